package io.tunestream.registry.messaging;

import static io.tunestream.registry.KafkaTestClient.awaitModelVersionEvents;
import static io.tunestream.registry.KafkaTestClient.awaitRecord;
import static io.tunestream.registry.KafkaTestClient.deadLetterReason;
import static io.tunestream.registry.KafkaTestClient.modelVersionEvents;
import static io.tunestream.registry.KafkaTestClient.registeredVersions;
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
 * A registry under another topic prefix consumes, dead-letters and publishes under that prefix only: the channels'
 * topics and the outbox's records follow the one key {@value Topic#PREFIX_KEY}, so the bus cannot split.
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
            return Map.of(Topic.PREFIX_KEY, PREFIX,
                    "quarkus.datasource.devservices.enabled", "false",
                    "quarkus.minio.devservices.enabled", "false");
        }
    }

    @Test
    void shouldConsumeDeadLetterAndPublishUnderTheConfiguredPrefix() {
        String model = ModelFixture.newModelName();
        ConsumerTask<String, byte[]> deadLetters = kafka.readFromStart(Topic.TRAINED_MODELS.deadLetterTopicName(PREFIX));
        ConsumerTask<String, byte[]> prefixedModelVersions = kafka.readFromStart(Topic.MODEL_VERSIONS.topicName(PREFIX));
        try {
            byte[] poison = "{\"jobId\": \"not a whole event\"}".getBytes(StandardCharsets.UTF_8);
            kafka.publishRaw(Topic.TRAINED_MODELS.topicName(PREFIX), model, poison);
            kafka.publish(PREFIX, ModelFixture.firstTrainedJob(minio, model));

            awaitModelVersionEvents(prefixedModelVersions, model, list -> registeredVersions(list).contains(1));
            ConsumerRecord<String, byte[]> deadLetter = awaitRecord(deadLetters, model);
            assertThat(deadLetter.value()).isEqualTo(poison);
            assertThat(deadLetterReason(deadLetter)).contains("topic tenant-b.trained-models: invalid TrainedModelEvent");
            assertThat(modelVersionEvents(modelVersions, model)).as("events on the default prefix's topic").isEmpty();
        } finally {
            deadLetters.stop();
            prefixedModelVersions.stop();
        }
    }
}
