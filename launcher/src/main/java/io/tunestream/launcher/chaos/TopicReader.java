package io.tunestream.launcher.chaos;

import io.tunestream.events.EventJson;
import io.tunestream.events.TunestreamEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from its start to its end as of now, without a consumer group that commits (it adds no lag). */
final class TopicReader {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final String bootstrapServers;

    TopicReader(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** The events of a topic; records that are not such an event (poison records, say) are skipped. */
    <E extends TunestreamEvent> List<E> read(String topic, Class<E> type) {
        List<E> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records(topic)) {
            try {
                events.add(EventJson.fromBytes(record.value(), type));
            } catch (RuntimeException notAnEvent) {
                // A dead letter's business, not an invariant's.
            }
        }
        return events;
    }

    /** The record count of every dead-letter topic ({@code *.dlq}) that exists. */
    Map<String, Integer> deadLetters() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "chaos-reader-" + UUID.randomUUID());
        List<String> topics;
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            topics = consumer.listTopics(Duration.ofSeconds(15)).keySet().stream()
                    .filter(topic -> topic.endsWith(".dlq"))
                    .sorted()
                    .toList();
        }
        Map<String, Integer> counts = new TreeMap<>();
        topics.forEach(topic -> counts.put(topic, records(topic).size()));
        return counts;
    }

    List<ConsumerRecord<String, byte[]>> records(String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "chaos-reader-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.listTopics(Duration.ofSeconds(15)).getOrDefault(topic, List.of()).stream()
                            .map(info -> new TopicPartition(topic, info.partition()))
                            .toList();
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            if (partitions.isEmpty()) {
                return records;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + topic + " to its end within " + READ_TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
