package io.tunestream.llm.data;

import java.util.Objects;

/** Plain text for continued pretraining. */
public record TextRecord(String text) implements DataRecord {

    public TextRecord {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new IllegalArgumentException("text must not be blank");
        }
    }

    @Override
    public DataFormat format() {
        return DataFormat.TEXT;
    }
}
