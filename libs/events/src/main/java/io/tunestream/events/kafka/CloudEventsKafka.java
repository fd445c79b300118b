package io.tunestream.events.kafka;

import io.tunestream.events.Topic;
import io.tunestream.events.TunestreamEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * CloudEvents 1.0 in Kafka binary content mode: the attributes travel as {@code ce_*} headers, the event's JSON as the
 * record value, {@code content-type} as the data content type. The record key is the event's partition key.
 *
 * <p>A {@link ProducerRecord} built here can be sent with a plain {@code KafkaProducer} or as the payload of a
 * SmallRye Reactive Messaging message (the Kafka connector sends a {@code ProducerRecord} payload as it is), with
 * {@link EventSerializer} as the value serializer.
 */
public final class CloudEventsKafka {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";
    public static final String HEADER_SPEC_VERSION = "ce_specversion";
    public static final String HEADER_ID = "ce_id";
    public static final String HEADER_TYPE = "ce_type";
    public static final String HEADER_SOURCE = "ce_source";
    public static final String HEADER_SUBJECT = "ce_subject";
    public static final String HEADER_TIME = "ce_time";
    public static final String HEADER_CONTENT_TYPE = "content-type";

    private CloudEventsKafka() {}

    /**
     * The record that publishes {@code event} on its topic under {@code topicPrefix}.
     *
     * @param source the CloudEvents {@code source}: the producing service, e.g. {@code /tunestream/dataset-service}
     */
    public static ProducerRecord<String, TunestreamEvent> record(
            String topicPrefix, TunestreamEvent event, URI source) {
        Topic topic = event.topic();
        return new ProducerRecord<>(
                topic.topicName(topicPrefix), null, event.partitionKey(), event, headers(event, source));
    }

    /** The {@code ce_*} headers of {@code event}. */
    public static Headers headers(TunestreamEvent event, URI source) {
        if (source == null || source.toString().isEmpty()) {
            throw new IllegalArgumentException("CloudEvents source is required (e.g. /tunestream/dataset-service)");
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER_SPEC_VERSION, utf8(SPEC_VERSION));
        headers.add(HEADER_ID, utf8(event.eventId()));
        headers.add(HEADER_TYPE, utf8(event.topic().eventType()));
        headers.add(HEADER_SOURCE, utf8(source.toString()));
        headers.add(HEADER_SUBJECT, utf8(event.subject()));
        headers.add(HEADER_TIME, utf8(DateTimeFormatter.ISO_INSTANT.format(event.occurredAt())));
        headers.add(HEADER_CONTENT_TYPE, utf8(CONTENT_TYPE));
        return headers;
    }

    /**
     * The CloudEvents attributes read back from a record's headers.
     *
     * @throws IllegalArgumentException naming the first required attribute that is missing
     */
    public static Attributes attributes(Headers headers) {
        Map<String, String> values = new TreeMap<>();
        for (Header header : headers) {
            if (header.key().startsWith("ce_") || header.key().equals(HEADER_CONTENT_TYPE)) {
                values.put(
                        header.key(),
                        header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        for (String required : new String[] {HEADER_SPEC_VERSION, HEADER_ID, HEADER_TYPE, HEADER_SOURCE}) {
            if (values.get(required) == null) {
                throw new IllegalArgumentException(
                        "not a CloudEvent in Kafka binary mode: header '" + required + "' is missing");
            }
        }
        String time = values.get(HEADER_TIME);
        return new Attributes(
                values.get(HEADER_SPEC_VERSION),
                values.get(HEADER_ID),
                values.get(HEADER_TYPE),
                URI.create(values.get(HEADER_SOURCE)),
                values.get(HEADER_SUBJECT),
                time == null ? null : Instant.parse(time),
                values.get(HEADER_CONTENT_TYPE));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** The context attributes of one CloudEvent. */
    public record Attributes(
            String specVersion,
            String id,
            String type,
            URI source,
            String subject,
            Instant time,
            String dataContentType) {}
}
