package io.tunestream.training;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.tunestream.events.TunestreamEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import io.tunestream.events.kafka.EventSerializer;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the other services do on the broker: the dataset- and registry-services publish, the registry reads. */
public final class KafkaTestClient implements AutoCloseable {

    public static final String DATASET_VERSIONS = "tunestream.dataset-versions";
    public static final String DATASET_VERSIONS_DLQ = "tunestream.dataset-versions.dlq";
    public static final String TRAINED_MODELS = "tunestream.trained-models";
    private static final URI TEST_SOURCE = URI.create("/tunestream/test");

    private final KafkaProducer<String, TunestreamEvent> events;
    private final KafkaProducer<String, byte[]> raw;
    private final KafkaCompanion companion;

    public KafkaTestClient(String bootstrapServers) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        events = new KafkaProducer<>(config, new StringSerializer(), new EventSerializer());
        raw = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        companion = new KafkaCompanion(bootstrapServers);
    }

    /** Publishes on the event's topic under the default prefix and waits for the broker's acknowledgement. */
    public void publish(TunestreamEvent event) {
        try {
            events.send(CloudEventsKafka.record("tunestream", event, TEST_SOURCE)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + event, e);
        }
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
        return companion.consume(Serdes.String(), Serdes.ByteArray())
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(topic);
    }

    @Override
    public void close() {
        events.close();
        raw.close();
        companion.close();
    }
}
