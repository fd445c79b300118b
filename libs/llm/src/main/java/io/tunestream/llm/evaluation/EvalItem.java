package io.tunestream.llm.evaluation;

import io.tunestream.llm.tasks.TaskFamily;
import java.util.Objects;

/**
 * One held-out question with its exact answer.
 *
 * @param family        decides how the answer is read from a completion ({@code AnswerExtractor}), unless
 *                      {@code answerPattern} is given; always the row of the per-family table
 * @param answerPattern the item's own answer format, or null for the family's
 */
public record EvalItem(TaskFamily family, String prompt, String answer, AnswerPattern answerPattern) {

    public EvalItem {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(answer, "answer");
        if (prompt.isBlank() || answer.isBlank()) {
            throw new IllegalArgumentException("an eval item needs a non-blank prompt and answer, got prompt \""
                    + prompt + "\" and answer \"" + answer + "\"");
        }
    }

    /** An item whose answer is read the family's way. */
    public EvalItem(TaskFamily family, String prompt, String answer) {
        this(family, prompt, answer, null);
    }
}
