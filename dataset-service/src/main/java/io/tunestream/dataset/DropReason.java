package io.tunestream.dataset;

import java.util.Locale;

/**
 * Why an answer made no preference pair. The label is the manifest's and the event's {@code dropped.<reason>}.
 * Versions sealed before several answers per prompt used {@code empty_rejected} and {@code rejected_equals_chosen}
 * for what are now {@link #EMPTY} and {@link #CORRECT}; those rows keep their labels.
 */
public enum DropReason {
    /** The generation failed ({@code finishReason} {@code error}): one drop for the whole generation. */
    GENERATION_ERROR,
    /** The model said nothing (after stripping whitespace). */
    EMPTY,
    /** The model gave the ground truth (after normalising case and whitespace): nothing to prefer the truth over. */
    CORRECT,
    /** The same wrong answer as an earlier one of the generation (after normalising): its pair exists already. */
    DUPLICATE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
