package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A training sample sent by a producer on the enterprise bus to {@code tunestream.samples}.
 *
 * @param dataset the dataset the sample belongs to
 * @param sourceId the producer's own id of the sample, if it has one (kept for tracing; deduplication is by content)
 * @param record one record in a dataset format: Alpaca ({@code instruction}, {@code input}, {@code output}),
 *     conversation ({@code [{"human": ..., "assistant": ...}]} or {@code messages}), preference triple
 *     ({@code prompt}, {@code chosen}, {@code rejected}) or plain text ({@code text}); validated by the dataset-service
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SampleEvent(
        String eventId, int schemaVersion, Instant occurredAt, String dataset, String sourceId, JsonNode record)
        implements TunestreamEvent {

    public static final int SCHEMA_VERSION = 1;

    public SampleEvent {
        EventValidation.requireText(eventId, "SampleEvent", "eventId");
        EventValidation.requireSchemaVersion(schemaVersion, "SampleEvent");
        EventValidation.requireValue(occurredAt, "SampleEvent", "occurredAt");
        EventValidation.requireText(dataset, "SampleEvent", "dataset");
        EventValidation.requireValue(record, "SampleEvent", "record");
    }

    public static SampleEvent of(String dataset, String sourceId, JsonNode record) {
        return new SampleEvent(EventIds.next(), SCHEMA_VERSION, Instant.now(), dataset, sourceId, record);
    }

    @Override
    public Topic topic() {
        return Topic.SAMPLES;
    }

    @Override
    public String partitionKey() {
        return dataset;
    }

    @Override
    public String subject() {
        return "datasets/" + dataset;
    }
}
