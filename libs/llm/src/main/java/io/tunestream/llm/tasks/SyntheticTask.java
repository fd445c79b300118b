package io.tunestream.llm.tasks;

import java.util.Objects;

/** One generated task: a short English prompt and its exact answer in canonical form. */
public record SyntheticTask(TaskFamily family, String prompt, String answer, int difficulty) {

    public SyntheticTask {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(answer, "answer");
        if (prompt.isBlank() || answer.isBlank()) {
            throw new IllegalArgumentException("prompt and answer must not be blank");
        }
        TaskGenerator.requireDifficulty(difficulty);
    }
}
