package io.tunestream.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.EventJson;
import io.tunestream.events.Lineage;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.Recipe;
import io.tunestream.events.TunestreamEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CloudEventsKafkaTest {

    private static final String SHA = "a".repeat(64);
    private static final URI SOURCE = URI.create("/tunestream/dataset-service");

    private static DatasetVersionEvent event() {
        String prefix = "s3://tunestream/datasets/qa/versions/7/";
        return new DatasetVersionEvent(
                "e-1",
                1,
                Instant.parse("2026-11-23T10:15:30Z"),
                "qa",
                7,
                Recipe.SFT,
                new ObjectRef(prefix + "train.jsonl", SHA, 10),
                new ObjectRef(prefix + "eval.jsonl", SHA, 2),
                new ObjectRef(prefix + "manifest.json", SHA, 1),
                Map.of("train", 9L),
                null,
                Lineage.ofDatasetVersion("qa", 7, "qa-sft", null, null));
    }

    @Test
    void shouldPutTheCloudEventsAttributesInBinaryModeHeaders() {
        ProducerRecord<String, TunestreamEvent> record = CloudEventsKafka.record("acme", event(), SOURCE);

        assertThat(record.topic()).isEqualTo("acme.dataset-versions");
        assertThat(record.key()).isEqualTo("qa");
        CloudEventsKafka.Attributes attributes = CloudEventsKafka.attributes(record.headers());
        assertThat(attributes.specVersion()).isEqualTo("1.0");
        assertThat(attributes.id()).isEqualTo("e-1");
        assertThat(attributes.type()).isEqualTo("io.tunestream.dataset-versions");
        assertThat(attributes.source()).isEqualTo(SOURCE);
        assertThat(attributes.subject()).isEqualTo("datasets/qa/versions/7");
        assertThat(attributes.time()).isEqualTo(Instant.parse("2026-11-23T10:15:30Z"));
        assertThat(attributes.dataContentType()).isEqualTo("application/json");
    }

    @Test
    void shouldRejectHeadersThatAreNotACloudEvent() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventsKafka.HEADER_SPEC_VERSION, "1.0".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> CloudEventsKafka.attributes(headers)).hasMessageContaining("'ce_id' is missing");
    }

    @Test
    void shouldDeserializeTheEventTypeOfTheTopicWhateverThePrefix() {
        byte[] body = new EventSerializer().serialize("acme.dataset-versions", event());

        TunestreamEvent read = new EventDeserializer().deserialize("acme.dataset-versions", body);

        assertThat(read).isEqualTo(event());
        assertThat(body).isEqualTo(EventJson.toBytes(event()));
    }

    @Test
    void shouldFailWithTheTopicAndFieldOnAPoisonRecord() {
        byte[] body =
                "{\"eventId\":\"e\",\"schemaVersion\":1,\"occurredAt\":\"2026-11-23T10:15:30Z\",\"dataset\":\"qa\",\"version\":0}"
                        .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> new EventDeserializer().deserialize("tunestream.dataset-versions", body))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("tunestream.dataset-versions")
                .hasMessageContaining("DatasetVersionEvent.version must be at least 1");
        assertThatThrownBy(() -> new EventDeserializer()
                        .deserialize("tunestream.generations", "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("invalid GenerationEvent");
    }
}
