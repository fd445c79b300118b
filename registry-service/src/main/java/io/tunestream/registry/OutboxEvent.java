package io.tunestream.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.Generated;

/**
 * A model-versions event waiting to be sent: written in the transaction of the change it announces, so an event exists
 * exactly when its change committed, and sent by the outbox relay afterwards.
 */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent extends PanacheEntity {

    /** The send order, assigned by the database at insert (see the migration for why not the id). */
    @Generated
    @Column(insertable = false, updatable = false)
    public Long position;

    @Column(name = "event_id", nullable = false)
    public String eventId;

    @Column(nullable = false)
    public String topic;

    @Column(name = "record_key", nullable = false)
    public String recordKey;

    /** The event's JSON body, exactly as it will be sent. */
    @Column(nullable = false)
    public String payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Set when the broker acknowledged the record; null while it waits. */
    @Column(name = "published_at")
    public Instant publishedAt;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "last_error")
    public String lastError;
}
