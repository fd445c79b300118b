package io.tunestream.events.kafka;

import io.tunestream.events.EventJson;
import io.tunestream.events.InvalidEventException;
import io.tunestream.events.Topic;
import io.tunestream.events.TunestreamEvent;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer for every Tunestream event. The event type follows from the topic name (whatever its
 * prefix), not from a header a producer could get wrong, so one class serves every channel. A body that is not a valid
 * event fails with a {@link SerializationException} naming the topic and the field, which sends the record to the
 * channel's dead-letter topic.
 */
public class EventDeserializer implements Deserializer<TunestreamEvent> {

    @Override
    public TunestreamEvent deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        Topic eventTopic;
        try {
            eventTopic = Topic.ofTopicName(topic);
        } catch (IllegalArgumentException e) {
            throw new SerializationException(e.getMessage(), e);
        }
        try {
            return EventJson.fromBytes(data, eventTopic.eventClass());
        } catch (InvalidEventException e) {
            throw new SerializationException("topic " + topic + ": " + e.getMessage(), e);
        }
    }
}
