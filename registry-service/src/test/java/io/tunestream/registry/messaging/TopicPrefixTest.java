package io.tunestream.registry.messaging;

import static io.tunestream.registry.KafkaTestClient.awaitRecord;
import static io.tunestream.registry.KafkaTestClient.deadLetterReason;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.tunestream.events.Topic;
import io.tunestream.registry.ModelFixture;
import io.tunestream.registry.RegistryBusTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A registry under another topic prefix consumes from and dead-letters to that prefix's topics: the channels' topics
 * and dead-letter topics follow the one key {@value Topic#PREFIX_KEY}. (Only a poison record is sent: a registration
 * loads the tokenizer's native library, which a JVM can load into one Quarkus application only, and this profile
 * starts a second one.)
 */
@QuarkusTest
@TestProfile(TopicPrefixTest.OtherPrefix.class)
class TopicPrefixTest extends RegistryBusTest {

    static final String PREFIX = "tenant-b";

    public static class OtherPrefix implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            // A profile builds the application again before the test resources start, so the dev services they turn
            // off at run time must be off at build time too (as the training-service's application.properties does).
            return Map.of(
                    Topic.PREFIX_KEY,
                    PREFIX,
                    "quarkus.datasource.devservices.enabled",
                    "false",
                    "quarkus.minio.devservices.enabled",
                    "false");
        }
    }

    @Test
    void shouldConsumeFromAndDeadLetterToTheTopicsOfTheConfiguredPrefix() {
        String model = ModelFixture.newModelName();
        ConsumerTask<String, byte[]> deadLetters =
                kafka.readFromStart(Topic.TRAINED_MODELS.deadLetterTopicName(PREFIX));
        ConsumerTask<String, byte[]> defaultDeadLetters =
                kafka.readFromStart(Topic.TRAINED_MODELS.deadLetterTopicName(Topic.DEFAULT_PREFIX));
        try {
            byte[] poison = "{\"jobId\": \"not a whole event\"}".getBytes(StandardCharsets.UTF_8);
            kafka.publishRaw(Topic.TRAINED_MODELS.topicName(PREFIX), model, poison);

            ConsumerRecord<String, byte[]> deadLetter = awaitRecord(deadLetters, model);
            assertThat(deadLetter.value()).isEqualTo(poison);
            assertThat(deadLetterReason(deadLetter))
                    .startsWith("topic tenant-b.trained-models: invalid TrainedModelEvent");
            assertThat(defaultDeadLetters.getRecords()).noneMatch(record -> model.equals(record.key()));
        } finally {
            deadLetters.stop();
            defaultDeadLetters.stop();
        }
    }
}
