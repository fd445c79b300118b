package io.tunestream.training.messaging;

import io.tunestream.events.TunestreamEvent;
import io.tunestream.events.kafka.EventDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/** Parses record values that arrive as bytes, so that a dead-letter topic receives the exact bytes that failed. */
final class Records {

    private Records() {
    }

    static <T extends TunestreamEvent> T parse(EventDeserializer deserializer, ConsumerRecord<String, byte[]> record,
            Class<T> type) {
        if (record.value() == null) {
            throw new SerializationException("topic " + record.topic() + ": the record has no value (a tombstone)");
        }
        Object event = deserializer.deserialize(record.topic(), record.value());
        if (!type.isInstance(event)) {
            throw new SerializationException("topic " + record.topic() + " does not carry " + type.getSimpleName() + "s");
        }
        return type.cast(event);
    }
}
