package io.tunestream.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * The prompt of one sample for one model version of a pipeline (unique on the three): recorded before it is
 * published, marked when the broker acknowledged it, so a restart sends only what was never acknowledged.
 */
@Entity
@Table(name = "prompt")
public class Prompt extends PanacheEntity {

    @Column(name = "pipeline_id", nullable = false)
    public Long pipelineId;

    @Column(name = "sample_id", nullable = false)
    public Long sampleId;

    @Column(nullable = false)
    public int round;

    @Column(nullable = false)
    public String model;

    @Column(name = "model_version", nullable = false)
    public int modelVersion;

    @Column(name = "prompt_hash", nullable = false)
    public String promptHash;

    /** The prompt rendered with the model version's template; {@link #promptHash} is its sha256. */
    @Column(name = "prompt_text", nullable = false)
    public String promptText;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "published_at")
    public Instant publishedAt;

    @Column(name = "publish_count", nullable = false)
    public int publishCount;
}
