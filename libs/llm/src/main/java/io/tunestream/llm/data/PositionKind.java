package io.tunestream.llm.data;

/** How a record's position in its file is counted. */
public enum PositionKind {

    /** A 1-based line number: records of a JSONL file, and malformed JSON anywhere. */
    LINE("line"),
    /** A 0-based element index: records of a JSON array file. */
    INDEX("index");

    private final String label;

    PositionKind(String label) {
        this.label = label;
    }

    /** The word used in messages, e.g. {@code "line"}. */
    public String label() {
        return label;
    }
}
