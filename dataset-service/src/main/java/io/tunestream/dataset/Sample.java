package io.tunestream.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One training record of a dataset. Rows are written only by {@code SampleRepository.insertIfAbsent} (an
 * {@code insert ... on conflict do nothing} on the content hash), never persisted through Hibernate.
 */
@Entity
@Table(name = "sample")
public class Sample extends PanacheEntity {

    @Column(name = "dataset_id", nullable = false)
    public Long datasetId;

    /** sha256 of the canonical record: the same content in another key order or spacing is the same sample. */
    @Column(name = "content_hash", nullable = false)
    public String contentHash;

    /** The engine's format label ({@code instruction}, {@code conversation}, {@code preference}, {@code text}). */
    @Column(nullable = false)
    public String format;

    /** The record as it was received (a JSONL line keeps its exact text: the column is {@code json}, not jsonb). */
    @Column(nullable = false)
    public String record;

    /** The engine's canonical JSON of the record ({@code DatasetWriter.toJson}). */
    @Column(nullable = false)
    public String canonical;

    /** The chat messages a DPO prompt is rendered from; null when the record cannot be one (text, multi-turn). */
    @Column(name = "prompt_messages")
    public String promptMessages;

    /** The ground-truth answer to {@link #promptMessages}: the chosen side of a pair. */
    @Column(name = "reference_answer")
    public String referenceAnswer;

    /** Where the sample came from: {@code upload:<id>} or {@code event:<sourceId>}. */
    @Column(nullable = false)
    public String source;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
