package io.tunestream.events;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * An event body that is not valid JSON for its type; the message is the project's own sentence naming the event type,
 * the field and the problem (never Jackson's parser hints), since it becomes the {@code dead-letter-reason} a producer
 * reads.
 */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }

    static InvalidEventException of(Class<?> type, IOException cause) {
        StringBuilder message = new StringBuilder("invalid ").append(type.getSimpleName());
        if (cause instanceof JsonParseException parse) {
            message.append(": the body is not JSON (").append(position(parse)).append(")");
            return new InvalidEventException(message.toString(), cause);
        }
        if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            message.append(" at field '")
                    .append(mapping.getPath().stream()
                            .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                            .collect(Collectors.joining(".")))
                    .append("'");
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail;
        if (root instanceof IllegalArgumentException) {
            detail = root.getMessage();
        } else if (cause instanceof InvalidFormatException format) {
            detail = "'" + format.getValue() + "' is not " + expected(format.getTargetType());
        } else if (cause instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            detail = "expected " + expected(mismatch.getTargetType());
        } else if (cause instanceof JsonProcessingException processing) {
            detail = "the body does not fit the event (" + position(processing) + ")";
        } else {
            detail = "the body cannot be read: " + cause.getMessage();
        }
        message.append(": ").append(detail);
        return new InvalidEventException(message.toString(), cause);
    }

    /** Where in the body a problem is, as a reader counts: line and column. */
    public static String position(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        return location == null
                ? "at an unknown position"
                : "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String expected(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "an ISO-8601 time such as 2026-01-31T12:00:00Z";
        }
        if (type.isEnum()) {
            return "one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(constant ->
                                    ((Enum<?>) constant).name().toLowerCase().replace('_', '-'))
                            .collect(Collectors.joining(", "));
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (JsonNode.class.isAssignableFrom(type)) {
            return "a JSON value";
        }
        return "a JSON object (" + type.getSimpleName() + ")";
    }
}
