package io.tunestream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.tunestream.events.PromptEvent;
import io.tunestream.events.SamplingParameters;
import io.tunestream.events.TunestreamEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import io.tunestream.events.kafka.EventDeserializer;
import io.tunestream.events.kafka.EventSerializer;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class KafkaBrokerResourceTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    DeadLetterProbe deadLetterProbe;

    @Test
    void shouldDeliverACloudEventToAConsumerGroupAndKeepItsCommittedOffset() throws Exception {
        String prefix = "roundtrip" + UUID.randomUUID().toString().substring(0, 8);
        String group = "group-" + prefix;
        PromptEvent event = new PromptEvent(
                UUID.randomUUID().toString(),
                1,
                Instant.parse("2026-11-23T12:00:00Z"),
                "c".repeat(64),
                "qa",
                "qa-dpo",
                "s-1",
                1,
                "tiny",
                1,
                "Instruct: 2+2\nOutput:",
                SamplingParameters.greedy(8));

        try (KafkaProducer<String, TunestreamEvent> producer = new KafkaProducer<>(producerProperties())) {
            producer.send(CloudEventsKafka.record(prefix, event, URI.create("/tunestream/test")))
                    .get();
        }

        TopicPartition partition = new TopicPartition(prefix + ".prompts", 0);
        try (KafkaConsumer<String, TunestreamEvent> consumer = new KafkaConsumer<>(consumerProperties(group))) {
            consumer.subscribe(List.of(partition.topic()));
            ConsumerRecord<String, TunestreamEvent> received = pollOne(consumer);
            assertThat(received.value()).isEqualTo(event);
            assertThat(received.key()).isEqualTo(event.promptHash());
            CloudEventsKafka.Attributes attributes = CloudEventsKafka.attributes(received.headers());
            assertThat(attributes.id()).isEqualTo(event.eventId());
            assertThat(attributes.type()).isEqualTo("io.tunestream.prompts");
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(received.offset() + 1)));
        }

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            assertThat(committed).containsKey(partition);
            assertThat(committed.get(partition).offset()).isEqualTo(1);
        }
        try (KafkaConsumer<String, TunestreamEvent> sameGroup = new KafkaConsumer<>(consumerProperties(group))) {
            sameGroup.subscribe(List.of(partition.topic()));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                sameGroup.poll(Duration.ofMillis(200));
                return !sameGroup.assignment().isEmpty();
            });
            assertThat(sameGroup.position(partition))
                    .as("a consumer of the same group resumes after the committed record")
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldSendAFailedRecordToTheDeadLetterTopicAndProcessTheNextOne() {
        KafkaCompanion companion = new KafkaCompanion(bootstrapServers);
        String poison = "poison-" + UUID.randomUUID();
        String good = "good-" + UUID.randomUUID();

        companion
                .produceStrings()
                .fromRecords(
                        new ProducerRecord<>("probe.orders", "k", poison),
                        new ProducerRecord<>("probe.orders", "k", good))
                .awaitCompletion();

        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> deadLetterProbe.processed().contains(good));
        assertThat(deadLetterProbe.received())
                .as("the poison record was delivered before the good one")
                .containsSubsequence(poison, good);
        assertThat(deadLetterProbe.processed()).doesNotContain(poison);
        ConsumerTask<String, String> deadLetters = companion
                .consumeStrings()
                .withGroupId("dlq-reader-" + UUID.randomUUID())
                .withAutoCommit()
                .fromTopics("probe.orders.dlq")
                .awaitRecords(1, Duration.ofSeconds(60));
        ConsumerRecord<String, String> deadLetter = deadLetters.getRecords().stream()
                .filter(record -> record.value().equals(poison))
                .findFirst()
                .orElseThrow();
        deadLetters.stop();
        String reason =
                new String(deadLetter.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertThat(reason).contains("cannot process '" + poison + "'");
        assertThat(new String(
                        deadLetter.headers().lastHeader("dead-letter-topic").value(), StandardCharsets.UTF_8))
                .isEqualTo("probe.orders");
    }

    private static ConsumerRecord<String, TunestreamEvent> pollOne(KafkaConsumer<String, TunestreamEvent> consumer) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            ConsumerRecords<String, TunestreamEvent> records = consumer.poll(Duration.ofMillis(500));
            if (!records.isEmpty()) {
                assertThat(records.count()).isEqualTo(1);
                return records.iterator().next();
            }
        }
        throw new AssertionError("no record within 30 s");
    }

    private Properties producerProperties() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, EventSerializer.class.getName());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        return properties;
    }

    private Properties consumerProperties(String group) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, EventDeserializer.class.getName());
        return properties;
    }
}
