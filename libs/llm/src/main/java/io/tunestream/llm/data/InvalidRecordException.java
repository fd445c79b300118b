package io.tunestream.llm.data;

/**
 * What {@link RecordParser} finds wrong with one record, before {@link DatasetReader} adds the file and position to
 * make it a {@link DataFormatException}.
 */
final class InvalidRecordException extends Exception {

    private final String field;

    InvalidRecordException(String field, String problem) {
        super(problem, null, false, false);
        this.field = field;
    }

    /** The JSON path of the offending field, or null for the record as a whole. */
    String field() {
        return field;
    }
}
