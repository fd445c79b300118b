package io.tunestream.launcher.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.events.EventJson;
import io.tunestream.events.SampleEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import io.tunestream.llm.tasks.SyntheticTask;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes training samples to {@code <prefix>.samples} as a producer on the enterprise bus would: a plain Kafka
 * producer writing {@link SampleEvent}s as CloudEvents in binary mode ({@code ce_*} headers, JSON body), keyed by the
 * dataset, acknowledged by every replica.
 */
final class SamplePublisher {

    private static final URI SOURCE = URI.create("urn:tunestream:demo");

    private final String bootstrapServers;
    private final String topicPrefix;

    SamplePublisher(String bootstrapServers, String topicPrefix) {
        this.bootstrapServers = bootstrapServers;
        this.topicPrefix = topicPrefix;
    }

    void publish(String dataset, List<SyntheticTask> tasks) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (SyntheticTask task : tasks) {
                ObjectNode record = JsonNodeFactory.instance.objectNode();
                record.put("instruction", task.prompt()).put("input", "").put("output", task.answer());
                SampleEvent event = SampleEvent.of(dataset, null, record);
                sent.add(producer.send(new ProducerRecord<>(
                        event.topic().topicName(topicPrefix),
                        null,
                        event.partitionKey(),
                        EventJson.toBytes(event),
                        CloudEventsKafka.headers(event, SOURCE))));
            }
            producer.flush();
            for (Future<RecordMetadata> record : sent) {
                record.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "the broker at " + bootstrapServers + " refused a sample: "
                            + e.getCause().getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing samples", e);
        }
    }
}
