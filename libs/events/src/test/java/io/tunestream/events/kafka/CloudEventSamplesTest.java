package io.tunestream.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.EventJson;
import io.tunestream.events.SampleEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Samples as the CloudEvents SDKs send them over Kafka, read by the samples channel's deserializer. */
class CloudEventSamplesTest {

    private static final String RECORD = "{\"instruction\": \"Add.\", \"input\": \"2 + 3\", \"output\": \"5\"}";
    private final EventDeserializer deserializer = new EventDeserializer();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(String text) throws Exception {
        return EventJson.mapper().readTree(text);
    }

    @Test
    void shouldReadAStructuredModeEventWithTheDatasetInTheSubject() throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", bytes("application/cloudevents+json; charset=utf-8"));
        String envelope = """
                {"specversion": "1.0", "id": "ev-1", "source": "/crm", "type": "com.acme.sample",
                 "subject": "datasets/qa", "time": "2026-12-07T10:00:00Z", "data": %s}
                """.formatted(RECORD);

        SampleEvent sample = (SampleEvent) deserializer.deserialize("tunestream.samples", headers, bytes(envelope));

        assertThat(sample.dataset()).isEqualTo("qa");
        assertThat(sample.eventId()).isEqualTo("ev-1");
        assertThat(sample.sourceId()).isEqualTo("ev-1");
        assertThat(sample.occurredAt()).isEqualTo(Instant.parse("2026-12-07T10:00:00Z"));
        assertThat(sample.record()).isEqualTo(json(RECORD));
    }

    @Test
    void shouldReadABinaryModeEventWhoseValueIsTheRecordWithTheDatasetAsAnExtension() throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes("ev-2"));
        headers.add("ce_source", bytes("/crm"));
        headers.add("ce_type", bytes("com.acme.sample"));
        headers.add("ce_dataset", bytes("qa"));
        headers.add("ce_sourceid", bytes("crm-2"));

        SampleEvent sample = (SampleEvent) deserializer.deserialize("acme.samples", headers, bytes(RECORD));

        assertThat(sample.dataset()).isEqualTo("qa");
        assertThat(sample.sourceId()).isEqualTo("crm-2");
        assertThat(sample.record()).isEqualTo(json(RECORD));
    }

    @Test
    void shouldLeaveTunestreamsOwnBinaryModeRecordsToTheOrdinaryReader() {
        SampleEvent own = SampleEvent.of(
                "qa", "crm-1", EventJson.mapper().createObjectNode().put("text", "hi"));
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes("1.0"));
        headers.add("ce_id", bytes(own.eventId()));

        assertThat(deserializer.deserialize("tunestream.samples", headers, EventJson.toBytes(own)))
                .isEqualTo(own);
    }

    @Test
    void shouldSayInItsOwnWordsWhatIsWrongWithACloudEvent() {
        RecordHeaders structured = new RecordHeaders();
        structured.add("content-type", bytes("application/cloudevents+json"));
        assertThatThrownBy(() -> deserializer.deserialize(
                        "tunestream.samples",
                        structured,
                        bytes("{\"specversion\": \"1.0\", \"id\": \"x\", \"data\": " + RECORD + "}")))
                .isInstanceOf(UnreadableRecordException.class)
                .hasMessageStartingWith("topic tunestream.samples: CloudEvent (structured mode): no dataset");
        assertThatThrownBy(() -> deserializer.deserialize(
                        "tunestream.samples", structured, bytes("{\"specversion\": \"0.3\", \"id\": \"x\"}")))
                .hasMessageContaining("attribute 'specversion' must be '1.0', got '0.3'");
        assertThatThrownBy(() -> deserializer.deserialize("tunestream.samples", structured, bytes("not json")))
                .hasMessage("topic tunestream.samples: CloudEvent (structured mode): the value is not JSON (line 1,"
                        + " column 1)");
    }

    @Test
    void shouldDescribeABodyThatIsNotJsonWithoutTheParsersHints() {
        assertThatThrownBy(() -> deserializer.deserialize("tunestream.samples", bytes("not an event")))
                .isInstanceOf(UnreadableRecordException.class)
                .hasMessage("topic tunestream.samples: invalid SampleEvent: the body is not JSON (line 1, column 1)");
        assertThatThrownBy(() -> deserializer.deserialize(
                        "tunestream.samples",
                        bytes(
                                "{\"eventId\": \"e\", \"schemaVersion\": \"one\", \"occurredAt\": \"2026-01-01T00:00:00Z\","
                                        + " \"dataset\": \"qa\", \"record\": {}}")))
                .hasMessage("topic tunestream.samples: invalid SampleEvent at field 'schemaVersion': 'one' is not a"
                        + " number");
    }
}
