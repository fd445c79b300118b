package io.tunestream.dataset;

import java.util.Locale;

/** Why a generation made no preference pair. The label is the manifest's and the event's {@code dropped.<reason>}. */
public enum DropReason {
    /** The generation failed ({@code finishReason} {@code error}). */
    GENERATION_ERROR,
    /** The model said nothing (after stripping whitespace). */
    EMPTY_REJECTED,
    /** The model gave the ground truth itself (after normalising case and whitespace): nothing to prefer. */
    REJECTED_EQUALS_CHOSEN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DropReason fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
