package io.tunestream.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.events.EventJson;
import io.tunestream.events.PromptEvent;
import io.tunestream.events.SampleEvent;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The reasons a poison record is dead-lettered with, whichever way its consumer receives it. */
class IncomingEventsTest {

    private static final SampleEvent SAMPLE =
            SampleEvent.of("qa", "crm-1", EventJson.mapper().createObjectNode().put("text", "hello"));

    @Test
    void shouldReadTheEventOfARecordUnderAnyPrefix() {
        ConsumerRecord<String, byte[]> record =
                new ConsumerRecord<>("acme.samples", 0, 7, "qa", EventJson.toBytes(SAMPLE));

        assertThat(IncomingEvents.read(record, SampleEvent.class)).isEqualTo(SAMPLE);
    }

    @Test
    void shouldNameTheTopicTheEventTypeAndTheFieldOfAnInvalidBody() {
        byte[] body = "{\"promptHash\": 42".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> IncomingEvents.read("acme.prompts", body, PromptEvent.class))
                .isInstanceOf(UnreadableRecordException.class)
                .hasMessageStartingWith("topic acme.prompts: invalid PromptEvent");
    }

    @Test
    void shouldRefuseARecordWhoseCloudEventsTypeNamesAnotherTunestreamEvent() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventsKafka.HEADER_TYPE, "io.tunestream.dataset-versions".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(
                "tunestream.samples",
                0,
                7,
                0L,
                TimestampType.CREATE_TIME,
                0,
                0,
                "qa",
                EventJson.toBytes(SAMPLE),
                headers,
                Optional.empty());

        assertThatThrownBy(() -> IncomingEvents.read(record, SampleEvent.class))
                .isInstanceOf(UnreadableRecordException.class)
                .hasMessage("topic tunestream.samples carries io.tunestream.samples events, but the record's ce_type"
                        + " is 'io.tunestream.dataset-versions'");
        assertThatThrownBy(() ->
                        new EventDeserializer().deserialize("tunestream.samples", headers, EventJson.toBytes(SAMPLE)))
                .isInstanceOf(UnreadableRecordException.class)
                .hasMessageContaining("ce_type is 'io.tunestream.dataset-versions'");
    }

    @Test
    void shouldReadARecordWhoseCloudEventsTypeIsItsTopicsOrAForeignOne() {
        for (String type : new String[] {"io.tunestream.samples", "com.example.crm.sample"}) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(CloudEventsKafka.HEADER_TYPE, type.getBytes(StandardCharsets.UTF_8));
            ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(
                    "tunestream.samples",
                    0,
                    7,
                    0L,
                    TimestampType.CREATE_TIME,
                    0,
                    0,
                    "qa",
                    EventJson.toBytes(SAMPLE),
                    headers,
                    Optional.empty());

            assertThat(IncomingEvents.read(record, SampleEvent.class)).as(type).isEqualTo(SAMPLE);
        }
    }

    @Test
    void shouldCallARecordWithoutValueATombstone() {
        assertThatThrownBy(() -> IncomingEvents.read(
                        new ConsumerRecord<String, byte[]>("tunestream.prompts", 0, 3, "k", null), PromptEvent.class))
                .isInstanceOf(UnreadableRecordException.class)
                .hasMessage("topic tunestream.prompts: the record has no value (a tombstone)");
    }

    @Test
    void shouldSayWhichEventsATopicCarriesWhenTheConsumerReadsAnother() {
        assertThatThrownBy(
                        () -> IncomingEvents.read("tunestream.samples", EventJson.toBytes(SAMPLE), PromptEvent.class))
                .isInstanceOf(UnreadableRecordException.class)
                .hasMessage("topic tunestream.samples carries SampleEvents, not PromptEvents");
    }

    @Test
    void shouldRejectARecordOfAForeignTopicNamingTheAcceptedSuffixes() {
        assertThatThrownBy(() -> IncomingEvents.read("orders", EventJson.toBytes(SAMPLE), SampleEvent.class))
                .isInstanceOf(UnreadableRecordException.class)
                .hasMessageContaining("'orders'")
                .hasMessageContaining(".samples");
    }

    @Test
    void shouldGiveTheDeserializersReasonForARecordTheConnectorCouldNotRead() {
        byte[] body = "not json".getBytes(StandardCharsets.UTF_8);
        String reason = null;
        try {
            new EventDeserializer().deserialize("tunestream.samples", body);
        } catch (UnreadableRecordException e) {
            reason = e.getMessage();
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(IncomingEvents.DESERIALIZATION_FAILURE_REASON, reason.getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> IncomingEvents.require(null, "tunestream.samples", headers))
                .isInstanceOf(UnreadableRecordException.class)
                .hasMessage(reason)
                .hasMessageStartingWith("topic tunestream.samples: invalid SampleEvent");
        assertThatThrownBy(() -> IncomingEvents.require(null, "tunestream.samples", new RecordHeaders()))
                .hasMessage("topic tunestream.samples: the record has no value (a tombstone)");
        assertThat(IncomingEvents.require(SAMPLE, "tunestream.samples", new RecordHeaders()))
                .isSameAs(SAMPLE);
    }
}
