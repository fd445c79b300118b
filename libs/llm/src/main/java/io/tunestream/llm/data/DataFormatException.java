package io.tunestream.llm.data;

import java.util.Objects;

/**
 * A dataset record that cannot be used, with where it is and what is wrong, e.g. {@code train.jsonl line 7: field
 * "output": expected a string, found a number}.
 */
public final class DataFormatException extends RuntimeException {

    private final String source;
    private final long position;
    private final PositionKind positionKind;
    private final String field;
    private final String problem;

    /**
     * @param source the file name (or other name) of the dataset
     * @param position the 1-based line or 0-based index of the record
     * @param field the JSON path of the offending field, e.g. {@code messages[2].role}; null when the problem is the
     *     record as a whole
     * @param problem what is wrong and what is accepted, without the location
     * @param detail an extra location hint for the message (e.g. the line of an array element), or null
     */
    DataFormatException(
            String source,
            long position,
            PositionKind positionKind,
            String field,
            String problem,
            String detail,
            Throwable cause) {
        super(message(source, position, positionKind, field, problem, detail), cause);
        this.source = Objects.requireNonNull(source, "source");
        this.positionKind = Objects.requireNonNull(positionKind, "positionKind");
        this.position = position;
        this.field = field;
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    private static String message(
            String source, long position, PositionKind kind, String field, String problem, String detail) {
        StringBuilder message = new StringBuilder(source)
                .append(' ')
                .append(kind.label())
                .append(' ')
                .append(position);
        if (detail != null) {
            message.append(" (").append(detail).append(')');
        }
        message.append(": ");
        if (field != null) {
            message.append("field \"").append(field).append("\": ");
        }
        return message.append(problem).toString();
    }

    /** The name of the dataset, usually its file name. */
    public String source() {
        return source;
    }

    /** The 1-based line ({@link PositionKind#LINE}) or 0-based index ({@link PositionKind#INDEX}) of the record. */
    public long position() {
        return position;
    }

    public PositionKind positionKind() {
        return positionKind;
    }

    /** The JSON path of the offending field, e.g. {@code output} or {@code messages[2].role}; null for the record. */
    public String field() {
        return field;
    }

    /** What is wrong, without the location: the message's last part. */
    public String problem() {
        return problem;
    }
}
