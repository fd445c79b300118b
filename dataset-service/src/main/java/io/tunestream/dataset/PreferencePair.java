package io.tunestream.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * What one answer of a generation made of one prompted sample: a pair (no {@link #dropReason}) or a counted drop.
 * Rows are written only by {@code PairRepository.insertIfAbsent} (unique on pipeline, sample, model version and
 * answer index).
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

    /** The answer's position in the generation's completions (0: the first, the greedy one when asked for). */
    @Column(name = "answer_index", nullable = false)
    public int answerIndex;

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

    /** Set when the row was left out of training as a leftover of a finished round too small to seal. */
    @Column(name = "superseded_at")
    public Instant supersededAt;

    /** The version whose manifest counted this superseded row (each is counted once); null until then. */
    @Column(name = "superseded_in_version_id")
    public Long supersededInVersionId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
