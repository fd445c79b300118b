package io.tunestream.dataset.service;

import io.tunestream.dataset.DropReason;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides what each answer of a generation makes against the ground truth: a preference pair for every distinct
 * wrong answer, a counted drop for the others.
 */
public final class PairJudge {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private PairJudge() {}

    /**
     * What one answer made.
     *
     * @param answerIndex the answer's position in the generation's completions
     * @param rejected the answer, stripped (the rejected side of a pair); for a failed generation, the error
     * @param drop why no pair was made, or empty for a pair
     */
    public record Outcome(int answerIndex, String rejected, Optional<DropReason> drop) {}

    /**
     * Judges every answer in order (the greedy one first when it was asked for): an empty answer is dropped as
     * {@code empty}, the ground truth as {@code correct}, a wrong answer already seen as {@code duplicate}; each other
     * one is a pair. A failed generation is one {@code generation_error} drop.
     *
     * @param chosen the ground-truth answer
     * @param completions the generation's answers
     * @param failed whether the generation reported an error
     * @param error the generation's error message, kept as the drop's text
     */
    public static List<Outcome> judge(String chosen, List<String> completions, boolean failed, String error) {
        if (failed || completions.isEmpty()) {
            return List.of(new Outcome(
                    0, failed ? error : "", Optional.of(failed ? DropReason.GENERATION_ERROR : DropReason.EMPTY)));
        }
        String truth = normalise(chosen);
        Set<String> seen = new HashSet<>();
        List<Outcome> outcomes = new ArrayList<>(completions.size());
        for (int i = 0; i < completions.size(); i++) {
            // The engine's own on-policy pairs strip the answer: the template, not the answer, owns the spacing.
            String answer = completions.get(i).strip();
            String normalised = normalise(answer);
            DropReason drop = answer.isEmpty()
                    ? DropReason.EMPTY
                    : normalised.equals(truth)
                            ? DropReason.CORRECT
                            : !seen.add(normalised) ? DropReason.DUPLICATE : null;
            outcomes.add(new Outcome(i, answer, Optional.ofNullable(drop)));
        }
        return outcomes;
    }

    /** Case, surrounding whitespace and runs of whitespace do not make two answers different. */
    static String normalise(String text) {
        return WHITESPACE.matcher(text.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }
}
