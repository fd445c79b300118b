package io.tunestream.registry;

import io.tunestream.events.ModelVersionEvent;
import java.util.Arrays;
import java.util.Locale;

/** The names that point at versions of a model. */
public enum Alias {
    /** The version the generation-service serves and the dataset-service builds the next round from. */
    PRODUCTION(ModelVersionEvent.PRODUCTION),
    /** A trained version awaiting a promotion decision. */
    CANDIDATE(ModelVersionEvent.CANDIDATE);

    private final String label;

    Alias(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The alias named {@code label} ({@code production}, {@code candidate}), case-insensitive. */
    public static Alias of(String label) {
        return Arrays.stream(values())
                .filter(alias -> alias.label.equals(label == null ? null : label.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown alias '" + label + "'; expected one of "
                        + Arrays.stream(values()).map(Alias::label).toList()));
    }
}
