package io.tunestream.events.kafka;

import io.tunestream.events.SampleEvent;
import io.tunestream.events.Topic;
import io.tunestream.events.TunestreamEvent;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka value deserializer for every Tunestream event. The event type follows from the topic name (whatever its
 * prefix), not from a header a producer could get wrong, so one class serves every channel. A body that is not a valid
 * event fails with an {@link UnreadableRecordException} (a {@code SerializationException}) naming the topic and the
 * field, in the words of {@link IncomingEvents}, which sends the record to the channel's dead-letter topic.
 */
public class EventDeserializer implements Deserializer<TunestreamEvent> {

    @Override
    public TunestreamEvent deserialize(String topic, byte[] data) {
        return data == null ? null : IncomingEvents.parse(topic, data);
    }

    /**
     * On {@code tunestream.samples}, CloudEvents in structured or binary mode too ({@link CloudEventSamples}); a record
     * whose {@code ce_type} names another Tunestream event fails ({@link IncomingEvents#requireTopicEventType}).
     */
    @Override
    public TunestreamEvent deserialize(String topic, Headers headers, byte[] data) {
        IncomingEvents.requireTopicEventType(topic, headers);
        if (data != null && isSamples(topic)) {
            SampleEvent sample = CloudEventSamples.read(topic, headers, data);
            if (sample != null) {
                return sample;
            }
        }
        return deserialize(topic, data);
    }

    private static boolean isSamples(String topic) {
        try {
            return Topic.ofTopicName(topic) == Topic.SAMPLES;
        } catch (IllegalArgumentException notATunestreamTopic) {
            return false; // parse() says so, in the words of every other reader
        }
    }
}
