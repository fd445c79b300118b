package io.tunestream.registry.messaging;

import static io.tunestream.registry.KafkaTestClient.awaitModelVersionEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.EventIds;
import io.tunestream.events.EventJson;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import io.tunestream.registry.KafkaTestClient;
import io.tunestream.registry.ModelFixture;
import io.tunestream.registry.OutboxEvent;
import io.tunestream.registry.RegistryBusTest;
import io.tunestream.registry.repository.OutboxEventRepository;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The outbox relay sends what was committed, also when the process that committed it died before sending. */
@QuarkusTest
class OutboxRelayTest extends RegistryBusTest {

    @Inject
    OutboxEventRepository outbox;

    @Test
    void shouldSendEventsLeftInTheOutboxByAProcessThatDiedAfterItsCommit() {
        String model = ModelFixture.newModelName();
        ModelVersionEvent registered = event(model, 1, ModelVersionAction.REGISTERED, null);
        ModelVersionEvent promoted = event(model, 1, ModelVersionAction.PROMOTED, "production");
        // Rows inserted directly: committed, but nobody asked the relay to send them (as after a crash).
        long[] ids = QuarkusTransaction.requiringNew().call(() -> new long[] {row(registered), row(promoted)});

        List<ModelVersionEvent> events = awaitModelVersionEvents(modelVersions, model, list -> list.size() >= 2);

        assertThat(events).containsExactly(registered, promoted);
        ConsumerRecord<String, byte[]> record = modelVersions.getRecords().stream()
                .filter(candidate -> model.equals(candidate.key()))
                .findFirst()
                .orElseThrow();
        CloudEventsKafka.Attributes attributes = CloudEventsKafka.attributes(record.headers());
        assertThat(attributes.id()).isEqualTo(registered.eventId());
        assertThat(attributes.type()).isEqualTo("io.tunestream.model-versions");
        assertThat(attributes.source().toString()).isEqualTo("/tunestream/registry-service");
        assertThat(attributes.subject()).isEqualTo("models/" + model + "/1");
        await().atMost(KafkaTestClient.TIMEOUT)
                .until(() -> QuarkusTransaction.requiringNew()
                        .call(() -> outbox.findById(ids[0]).publishedAt != null
                                && outbox.findById(ids[1]).publishedAt != null));
    }

    private long row(ModelVersionEvent event) {
        OutboxEvent row = new OutboxEvent();
        row.eventId = event.eventId();
        row.topic = KafkaTestClient.MODEL_VERSIONS;
        row.recordKey = event.model();
        row.payload = EventJson.toJson(event);
        row.createdAt = Instant.now();
        outbox.persist(row);
        return row.id;
    }

    private static ModelVersionEvent event(String model, int version, ModelVersionAction action, String alias) {
        return new ModelVersionEvent(
                EventIds.next(),
                ModelVersionEvent.SCHEMA_VERSION,
                Instant.parse("2026-11-23T12:00:00Z"),
                action,
                model,
                version,
                alias,
                null,
                null,
                new ArtifactRef(ModelFixture.versionUri(model, version), List.of()),
                Map.of(),
                null);
    }
}
