package io.tunestream.events.kafka;

import io.tunestream.events.EventJson;
import io.tunestream.events.InvalidEventException;
import io.tunestream.events.Topic;
import io.tunestream.events.TunestreamEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The one reader of incoming records: the event a record carries, or an {@link UnreadableRecordException} whose message
 * is the reason the channel's dead-letter-queue strategy writes into the record's {@code dead-letter-reason} header.
 * Every reason names the topic and says what is wrong: no value (a tombstone), a name that is no Tunestream topic, the
 * event type and field that are invalid, or a topic that carries another event than the consumer reads.
 *
 * <p>A consumer gets its record in one of two ways, and both end here so that a poison record reads the same on every
 * dead-letter topic:
 * <ul>
 * <li>the value as bytes ({@code ByteArrayDeserializer}), parsed by {@link #read(ConsumerRecord, Class)}, so that the
 *     dead-letter topic receives the exact bytes that failed;</li>
 * <li>the value deserialized by the connector with {@link EventDeserializer} and
 *     {@code fail-on-deserialization-failure=false}: the connector hands a record that is no event over with a null
 *     payload and the failure in a header, and {@link #require(TunestreamEvent, String, Headers)} turns it into the
 *     same reason.</li>
 * </ul>
 * Only Kafka client types appear here (a SmallRye {@code IncomingKafkaRecordMetadata}'s topic and headers are passed as
 * they are), so that {@code libs/events} keeps no dependency on SmallRye Reactive Messaging.
 */
public final class IncomingEvents {

    /** The header in which the SmallRye Kafka connector keeps the message of a value that failed to deserialize. */
    static final String DESERIALIZATION_FAILURE_REASON = "deserialization-failure-reason";

    /** The start of every Tunestream event type ({@link Topic#eventType()}). */
    private static final String TUNESTREAM_TYPE_PREFIX = "io.tunestream.";

    private IncomingEvents() {}

    /** The event of a record whose value arrived as bytes. */
    public static <T extends TunestreamEvent> T read(ConsumerRecord<?, byte[]> record, Class<T> type) {
        return read(record.topic(), record.headers(), record.value(), type);
    }

    /**
     * The event in {@code value}, a record of {@code topic} with these headers: as {@link #read(String, byte[], Class)},
     * and refused when its {@code ce_type} names another Tunestream event than the topic carries.
     *
     * @throws UnreadableRecordException saying why the record is no {@code type}
     */
    public static <T extends TunestreamEvent> T read(String topic, Headers headers, byte[] value, Class<T> type) {
        requireTopicEventType(topic, headers);
        return read(topic, value, type);
    }

    /**
     * The event in {@code value}, a record of {@code topic}.
     *
     * @throws UnreadableRecordException saying why the value is no {@code type}
     */
    public static <T extends TunestreamEvent> T read(String topic, byte[] value, Class<T> type) {
        if (value == null) {
            throw tombstone(topic);
        }
        TunestreamEvent event = parse(topic, value);
        if (!type.isInstance(event)) {
            throw new UnreadableRecordException("topic " + topic + " carries "
                    + event.getClass().getSimpleName() + "s, not " + type.getSimpleName() + "s");
        }
        return type.cast(event);
    }

    /**
     * The event the connector deserialized, or, when it handed over none, the reason why: the deserializer's own
     * message kept in the record's headers, or a tombstone.
     *
     * @param topic the record's topic ({@code IncomingKafkaRecordMetadata.getTopic()})
     * @param headers the record's headers ({@code IncomingKafkaRecordMetadata.getHeaders()})
     * @throws UnreadableRecordException when {@code event} is null
     */
    public static <T extends TunestreamEvent> T require(T event, String topic, Headers headers) {
        if (event != null) {
            return event;
        }
        Header reason = headers.lastHeader(DESERIALIZATION_FAILURE_REASON);
        if (reason == null || reason.value() == null) {
            throw tombstone(topic);
        }
        throw new UnreadableRecordException(new String(reason.value(), StandardCharsets.UTF_8));
    }

    /**
     * Refuses a record whose CloudEvents {@code ce_type} names another Tunestream event than its topic carries (a
     * {@code io.tunestream.prompts} event on the samples topic): its producer mislabelled or misrouted it, and reading
     * its body as the topic's event would act on a record that says it is something else. A type outside
     * {@code io.tunestream.} (a CloudEvents producer's own, on the samples topic) and a record without one are left to
     * the body.
     */
    static void requireTopicEventType(String topic, Headers headers) {
        Header typeHeader = headers == null ? null : headers.lastHeader(CloudEventsKafka.HEADER_TYPE);
        if (typeHeader == null || typeHeader.value() == null) {
            return;
        }
        String type = new String(typeHeader.value(), StandardCharsets.UTF_8);
        Topic eventTopic;
        try {
            eventTopic = Topic.ofTopicName(topic);
        } catch (IllegalArgumentException notATunestreamTopic) {
            return; // parse() says so, in the words of every other reader
        }
        if (type.startsWith(TUNESTREAM_TYPE_PREFIX) && !type.equals(eventTopic.eventType())) {
            throw new UnreadableRecordException("topic " + topic + " carries " + eventTopic.eventType()
                    + " events, but the record's " + CloudEventsKafka.HEADER_TYPE + " is '" + type + "'");
        }
    }

    /** The event in {@code value} as the event type of {@code topic}, whatever its prefix. */
    static TunestreamEvent parse(String topic, byte[] value) {
        Topic eventTopic;
        try {
            eventTopic = Topic.ofTopicName(topic);
        } catch (IllegalArgumentException e) {
            throw new UnreadableRecordException(e.getMessage(), e);
        }
        try {
            return EventJson.fromBytes(value, eventTopic.eventClass());
        } catch (InvalidEventException e) {
            throw new UnreadableRecordException("topic " + topic + ": " + e.getMessage(), e);
        }
    }

    private static UnreadableRecordException tombstone(String topic) {
        return new UnreadableRecordException("topic " + topic + ": the record has no value (a tombstone)");
    }
}
