package io.tunestream.dataset.service;

import io.tunestream.dataset.DropReason;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Decides whether a generation makes a useful preference pair against the ground truth. */
public final class PairJudge {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private PairJudge() {
    }

    /**
     * @param chosen the ground-truth answer
     * @param generated the model's text
     * @param failed whether the generation reported an error
     * @return why no pair can be made, or empty for a pair
     */
    public static Optional<DropReason> judge(String chosen, String generated, boolean failed) {
        if (failed) {
            return Optional.of(DropReason.GENERATION_ERROR);
        }
        if (generated.isBlank()) {
            return Optional.of(DropReason.EMPTY_REJECTED);
        }
        if (normalise(generated).equals(normalise(chosen))) {
            return Optional.of(DropReason.REJECTED_EQUALS_CHOSEN);
        }
        return Optional.empty();
    }

    /** Case, surrounding whitespace and runs of whitespace do not make two answers different. */
    static String normalise(String text) {
        return WHITESPACE.matcher(text.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }
}
