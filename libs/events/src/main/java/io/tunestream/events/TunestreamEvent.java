package io.tunestream.events;

import java.time.Instant;

/**
 * What every event of the platform has: an id unique per event (the CloudEvents {@code id}), the version of its schema,
 * and the time it happened. Consumers deduplicate on the natural key of each event, not on {@link #eventId()}: a
 * producer that retries after a crash publishes the same fact under a new id.
 */
public interface TunestreamEvent {

    String eventId();

    int schemaVersion();

    Instant occurredAt();

    /** The topic this event is published on. */
    Topic topic();

    /** The Kafka record key: the natural key that keeps one entity's events in order on one partition. */
    String partitionKey();

    /** The CloudEvents {@code subject}: the entity the event is about, e.g. {@code dataset/qa/versions/3}. */
    String subject();
}
