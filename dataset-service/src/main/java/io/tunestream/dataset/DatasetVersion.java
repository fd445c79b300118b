package io.tunestream.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import io.tunestream.events.Recipe;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

/** A sealed, immutable version: its files are under {@code datasets/{dataset}/versions/{number}/}. */
@Entity
@Table(name = "dataset_version")
public class DatasetVersion extends PanacheEntity {

    @Column(name = "dataset_id", nullable = false)
    public Long datasetId;

    /** The pipeline that sealed it; null for a version of an evaluation set (sealed on request). */
    @Column(name = "pipeline_id")
    public Long pipelineId;

    @Column(nullable = false)
    public int number;

    /** What it trains; null for a version of an evaluation set, which never trains (and is never published). */
    @Convert(converter = RecipeConverter.class)
    public Recipe recipe;

    public Integer round;

    @Column(name = "source_model")
    public String sourceModel;

    @Column(name = "source_model_version")
    public Integer sourceModelVersion;

    @Column(name = "train_count", nullable = false)
    public long trainCount;

    @Column(name = "eval_count", nullable = false)
    public long evalCount;

    @Column(name = "train_sha256", nullable = false)
    public String trainSha256;

    @Column(name = "train_size_bytes", nullable = false)
    public long trainSizeBytes;

    @Column(name = "eval_sha256", nullable = false)
    public String evalSha256;

    @Column(name = "eval_size_bytes", nullable = false)
    public long evalSizeBytes;

    @Column(name = "manifest_sha256", nullable = false)
    public String manifestSha256;

    @Column(name = "manifest_size_bytes", nullable = false)
    public long manifestSizeBytes;

    /** The manifest as written to object storage. */
    @Column(nullable = false)
    public String manifest;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** When the broker acknowledged the {@code DatasetVersionEvent}; null until then (published again later). */
    @Column(name = "published_at")
    public Instant publishedAt;
}
