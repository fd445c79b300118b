package io.tunestream.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * What a generation made of one prompted sample: a pair (no {@link #dropReason}) or a counted drop. Rows are written
 * only by {@code PairRepository.insertIfAbsent} (unique on pipeline, sample and model version).
 */
@Entity
@Table(name = "preference_pair")
public class PreferencePair extends PanacheEntity {

    @Column(name = "pipeline_id", nullable = false)
    public Long pipelineId;

    @Column(name = "sample_id", nullable = false)
    public Long sampleId;

    @Column(nullable = false)
    public int round;

    @Column(name = "model_version", nullable = false)
    public int modelVersion;

    @Column(name = "prompt_hash", nullable = false)
    public String promptHash;

    @Column(nullable = false)
    public String chosen;

    /** The generation's text; for a generation error, the error message. */
    @Column(nullable = false)
    public String rejected;

    /** A {@link DropReason} label, or null for a pair. */
    @Column(name = "drop_reason")
    public String dropReason;

    @Column(name = "dataset_version_id")
    public Long datasetVersionId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
