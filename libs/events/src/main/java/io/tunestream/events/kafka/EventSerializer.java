package io.tunestream.events.kafka;

import io.tunestream.events.EventJson;
import io.tunestream.events.TunestreamEvent;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer for every Tunestream event: its JSON body (the CloudEvents {@code data}). */
public class EventSerializer implements Serializer<TunestreamEvent> {

    @Override
    public byte[] serialize(String topic, TunestreamEvent event) {
        return event == null ? null : EventJson.toBytes(event);
    }
}
