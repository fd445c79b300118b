package io.tunestream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.tunestream.events.EventJson;
import io.tunestream.events.FinishReason;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.SamplingParameters;
import io.tunestream.events.TunestreamEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.junit.jupiter.api.Test;

/** The path the services take: a SmallRye emitter sending what {@link CloudEventsKafka} builds. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CloudEventEmitterTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    @Channel("cloud-event-probe")
    Emitter<ProducerRecord<String, TunestreamEvent>> emitter;

    @Test
    void shouldPublishTheEventOnItsTopicWithItsKeyAndCloudEventsHeaders() {
        String prefix = "emitter" + UUID.randomUUID().toString().substring(0, 8);
        GenerationEvent event = new GenerationEvent(
                UUID.randomUUID().toString(),
                1,
                Instant.parse("2026-11-23T12:00:00Z"),
                "d".repeat(64),
                "qa",
                "qa-dpo",
                "s-9",
                1,
                "tiny",
                2,
                SamplingParameters.greedy(16),
                " 4",
                FinishReason.STOP,
                9,
                2,
                40,
                null);

        emitter.send(CloudEventsKafka.record(prefix, event, URI.create("/tunestream/generation-service")))
                .toCompletableFuture()
                .join();

        KafkaCompanion companion = new KafkaCompanion(bootstrapServers);
        ConsumerTask<String, byte[]> consumed = companion
                .consume(Serdes.String(), Serdes.ByteArray())
                .withGroupId("emitter-probe-" + prefix)
                .fromTopics(prefix + ".generations")
                .awaitRecords(1, Duration.ofSeconds(30));
        ConsumerRecord<String, byte[]> record = consumed.getRecords().get(0);
        consumed.stop();
        assertThat(record.key()).isEqualTo(event.promptHash());
        assertThat(EventJson.fromBytes(record.value(), GenerationEvent.class)).isEqualTo(event);
        CloudEventsKafka.Attributes attributes = CloudEventsKafka.attributes(record.headers());
        assertThat(attributes.id()).isEqualTo(event.eventId());
        assertThat(attributes.type()).isEqualTo("io.tunestream.generations");
        assertThat(attributes.source()).isEqualTo(URI.create("/tunestream/generation-service"));
        assertThat(attributes.subject()).isEqualTo("models/tiny/2/generations/" + "d".repeat(64));
        assertThat(record.headers().headers(CloudEventsKafka.HEADER_ID))
                .as("no second set of CloudEvents headers")
                .hasSize(1);
    }
}
