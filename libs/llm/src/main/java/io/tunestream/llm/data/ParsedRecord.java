package io.tunestream.llm.data;

import java.util.Objects;

/**
 * A record as read from a dataset, with where it was found: the 1-based line of a JSONL file or the 0-based index in
 * a JSON array.
 */
public record ParsedRecord(DataRecord record, long position, PositionKind positionKind) {

    public ParsedRecord {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(positionKind, "positionKind");
        long first = positionKind == PositionKind.LINE ? 1 : 0;
        if (position < first) {
            throw new IllegalArgumentException(
                    positionKind.label() + " must be at least " + first + ", got " + position);
        }
    }
}
