package io.tunestream.llm.data;

import java.util.Objects;

/**
 * A preference pair for DPO: for {@code prompt}, {@code chosen} is the better answer and {@code rejected} the worse.
 * {@code system} is an optional system prompt, empty when absent.
 */
public record PreferenceRecord(String system, String prompt, String chosen, String rejected) implements DataRecord {

    public PreferenceRecord {
        system = system == null ? "" : system;
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(chosen, "chosen");
        Objects.requireNonNull(rejected, "rejected");
        if (chosen.isBlank()) {
            throw new IllegalArgumentException("chosen must not be blank");
        }
        if (rejected.isBlank()) {
            throw new IllegalArgumentException("rejected must not be blank");
        }
    }

    /** A pair without system prompt. */
    public PreferenceRecord(String prompt, String chosen, String rejected) {
        this("", prompt, chosen, rejected);
    }

    @Override
    public DataFormat format() {
        return DataFormat.PREFERENCE;
    }
}
