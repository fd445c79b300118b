package io.tunestream.events.kafka;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that carries no event of its topic; the message is the reason a dead-letter topic records for it. A
 * {@link SerializationException}, so that {@link EventDeserializer} may throw it as Kafka's deserializers do.
 */
public class UnreadableRecordException extends SerializationException {

    public UnreadableRecordException(String message) {
        super(message);
    }

    public UnreadableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
