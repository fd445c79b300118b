package io.tunestream.events.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.EventJson;
import io.tunestream.events.InvalidEventException;
import io.tunestream.events.SampleEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Samples from producers that speak CloudEvents rather than Tunestream's own event body, as the CloudEvents SDKs send
 * them over Kafka (CloudEvents 1.0 Kafka protocol binding):
 * <ul>
 * <li><b>structured mode</b>: header {@code content-type: application/cloudevents+json}, the value an envelope
 *     {@code {"specversion": "1.0", "id", "source", "type", "subject", "time", "data": {...}}};</li>
 * <li><b>binary mode</b>: {@code ce_*} headers, the value the data itself.</li>
 * </ul>
 * The data is the sample record ({@code {"instruction", "input", "output"}}, a conversation array, ...) or a whole
 * {@link SampleEvent}. The dataset is the extension {@code dataset}, else the subject ({@code datasets/NAME} as
 * Tunestream's own events name it, or {@code NAME}); the sample's source id is the extension {@code sourceid}, else the
 * event id, so a producer's redelivery is recognised. Tunestream's own binary-mode records (whose value is a
 * {@code SampleEvent}) are left to the ordinary reader.
 */
final class CloudEventSamples {

    static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";

    private CloudEventSamples() {}

    /**
     * The sample a CloudEvent record carries; null when the record is Tunestream's own event.
     *
     * @throws UnreadableRecordException naming the CloudEvent attribute that is missing or wrong
     */
    static SampleEvent read(String topic, Headers headers, byte[] value) {
        String contentType = header(headers, "content-type");
        if (contentType != null && contentType.toLowerCase().startsWith(STRUCTURED_CONTENT_TYPE)) {
            return structured(topic, value);
        }
        if (header(headers, "ce_specversion") != null) {
            return binary(topic, headers, value);
        }
        return null;
    }

    private static SampleEvent structured(String topic, byte[] value) {
        String where = "topic " + topic + ": CloudEvent (structured mode)";
        JsonNode envelope = json(where, value);
        if (!envelope.isObject()) {
            throw new UnreadableRecordException(where + ": the value must be a JSON object (the event envelope)");
        }
        requireSpecVersion(where, text(envelope, "specversion"));
        String id = require(where, "id", text(envelope, "id"));
        JsonNode data = envelope.get("data");
        if (data == null || data.isNull()) {
            throw new UnreadableRecordException(
                    where + ": attribute 'data' is missing; it holds the sample record (a JSON object)");
        }
        return sample(
                where,
                id,
                text(envelope, "time"),
                dataset(where, text(envelope, "dataset"), text(envelope, "subject")),
                text(envelope, "sourceid"),
                data);
    }

    private static SampleEvent binary(String topic, Headers headers, byte[] value) {
        String where = "topic " + topic + ": CloudEvent (binary mode)";
        requireSpecVersion(where, header(headers, "ce_specversion"));
        JsonNode data = json(where, value);
        if (isSampleEvent(data)) {
            return null; // Tunestream's own record: its body is the whole event
        }
        return sample(
                where,
                require(where, "id", header(headers, "ce_id")),
                header(headers, "ce_time"),
                dataset(where, header(headers, "ce_dataset"), header(headers, "ce_subject")),
                header(headers, "ce_sourceid"),
                data);
    }

    private static SampleEvent sample(
            String where, String id, String time, String dataset, String sourceId, JsonNode data) {
        if (!data.isObject() && !data.isArray()) {
            throw new UnreadableRecordException(where + ": attribute 'data' must be the sample record (a JSON object,"
                    + " or an array for a conversation); found "
                    + data.getNodeType().toString().toLowerCase());
        }
        if (isSampleEvent(data)) {
            try {
                return EventJson.mapper().treeToValue(data, SampleEvent.class);
            } catch (IOException | IllegalArgumentException e) {
                throw new UnreadableRecordException(where + ": attribute 'data' is no valid SampleEvent", e);
            }
        }
        try {
            return new SampleEvent(
                    id,
                    SampleEvent.SCHEMA_VERSION,
                    occurredAt(where, time),
                    dataset,
                    sourceId != null ? sourceId : id,
                    data);
        } catch (IllegalArgumentException e) {
            throw new UnreadableRecordException(where + ": " + e.getMessage(), e);
        }
    }

    private static boolean isSampleEvent(JsonNode node) {
        return node.isObject() && node.has("schemaVersion") && node.has("record") && node.has("eventId");
    }

    private static String dataset(String where, String extension, String subject) {
        if (extension != null && !extension.isBlank()) {
            return extension;
        }
        if (subject != null && !subject.isBlank()) {
            return subject.startsWith("datasets/") ? subject.substring("datasets/".length()) : subject;
        }
        throw new UnreadableRecordException(where + ": no dataset; set the subject ('datasets/NAME' or 'NAME') or"
                + " the extension attribute 'dataset'");
    }

    private static Instant occurredAt(String where, String time) {
        if (time == null) {
            return Instant.now();
        }
        try {
            return OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeParseException e) {
            throw new UnreadableRecordException(
                    where + ": attribute 'time' must be an RFC 3339 timestamp, got '" + time + "'", e);
        }
    }

    private static void requireSpecVersion(String where, String version) {
        if (!"1.0".equals(version)) {
            throw new UnreadableRecordException(where + ": attribute 'specversion' must be '1.0', got "
                    + (version == null ? "none" : "'" + version + "'"));
        }
    }

    private static String require(String where, String attribute, String value) {
        if (value == null || value.isBlank()) {
            throw new UnreadableRecordException(where + ": attribute '" + attribute + "' is missing");
        }
        return value;
    }

    private static JsonNode json(String where, byte[] value) {
        if (value == null) {
            throw new UnreadableRecordException(where + ": the record has no value");
        }
        try {
            return EventJson.mapper().readTree(value);
        } catch (IOException e) {
            String position = e instanceof JsonProcessingException processing
                    ? InvalidEventException.position(processing)
                    : "unreadable";
            throw new UnreadableRecordException(where + ": the value is not JSON (" + position + ")", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String header(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
