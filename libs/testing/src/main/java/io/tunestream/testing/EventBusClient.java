package io.tunestream.testing;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.tunestream.events.TunestreamEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import io.tunestream.events.kafka.EventSerializer;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A test's side of the bus: publishes events as the platform's producers do (CloudEvents in binary mode under the
 * default prefix), publishes records that are no event at all, and reads topics and committed offsets. Each
 * service's tests extend it with their topics and the readers of their own events.
 */
public class EventBusClient implements AutoCloseable {

    private static final URI TEST_SOURCE = URI.create("/tunestream/test");

    private final KafkaProducer<String, TunestreamEvent> events;
    private final KafkaProducer<String, byte[]> raw;
    private final KafkaCompanion companion;
    private final String bootstrapServers;

    public EventBusClient(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        events = new KafkaProducer<>(config, new StringSerializer(), new EventSerializer());
        raw = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        companion = new KafkaCompanion(bootstrapServers);
    }

    /** Publishes on the event's topic under the default prefix and waits for the broker's acknowledgement. */
    public RecordMetadata publish(TunestreamEvent event) {
        try {
            return events.send(CloudEventsKafka.record("tunestream", event, TEST_SOURCE))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + event, e);
        }
    }

    /** Publishes without waiting for each acknowledgement (for volume); {@link #flush()} waits for all. */
    public void publishAsync(TunestreamEvent event) {
        events.send(CloudEventsKafka.record("tunestream", event, TEST_SOURCE));
    }

    public void flush() {
        events.flush();
    }

    /** Publishes bytes that are not an event. */
    public void publishRaw(String topic, String key, byte[] value) {
        try {
            raw.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }

    /** Reads a topic from the beginning in a group of its own; stop the task when done. */
    public ConsumerTask<String, byte[]> readFromStart(String topic) {
        return companion
                .consume(Serdes.String(), Serdes.ByteArray())
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(topic);
    }

    /** The offset the consumer group has committed on a partition, -1 when none. */
    public long committedOffset(String group, TopicPartition partition) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(partition);
            return committed == null ? -1 : committed.offset();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the offsets of group " + group, e);
        }
    }

    @Override
    public void close() {
        events.close();
        raw.close();
        companion.close();
    }
}
