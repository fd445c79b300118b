package io.tunestream.events;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.IOException;
import java.util.stream.Collectors;

/** An event body that is not valid JSON for its type; the message names the event type, the field and the problem. */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }

    static InvalidEventException of(Class<?> type, IOException cause) {
        StringBuilder message = new StringBuilder("invalid ").append(type.getSimpleName());
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
        String detail = root instanceof IllegalArgumentException
                ? root.getMessage()
                : cause instanceof JsonMappingException mapping ? mapping.getOriginalMessage() : cause.getMessage();
        message.append(": ").append(detail);
        return new InvalidEventException(message.toString(), cause);
    }
}
