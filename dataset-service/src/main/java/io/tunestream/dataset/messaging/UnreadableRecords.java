package io.tunestream.dataset.messaging;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;

/**
 * Records that are no event at all. The channels do not fail on them (the connector cannot recover from a failed
 * deserialization by itself): the connector hands them over with a null payload and the failure in a header, and the
 * consumer throws, which sends the record to the channel's dead-letter topic with that reason.
 */
final class UnreadableRecords {

    private static final String FAILURE_REASON = "deserialization-failure-reason";

    private UnreadableRecords() {
    }

    static <T> T require(T event, IncomingKafkaRecordMetadata<?, ?> metadata) {
        if (event != null) {
            return event;
        }
        Header reason = metadata.getHeaders().lastHeader(FAILURE_REASON);
        throw new IllegalArgumentException(reason == null
                ? "record on " + metadata.getTopic() + " at offset " + metadata.getOffset() + " has no value"
                : new String(reason.value(), StandardCharsets.UTF_8));
    }
}
