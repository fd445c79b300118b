package io.tunestream.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import io.tunestream.events.GateDecision;
import io.tunestream.events.Recipe;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One version of a model: where its files are, what it was trained from, how it scored and what was decided. */
@Entity
@Table(name = "model_version")
public class ModelVersion extends PanacheEntity {

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "model_id")
    public RegisteredModel model;

    @Column(nullable = false)
    public int version;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public VersionState state;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public VersionOrigin origin;

    /** The training job that produced it (unique: registering is idempotent on it); null for imports. */
    @Column(name = "job_id", unique = true)
    public String jobId;

    @Enumerated(EnumType.STRING)
    public Recipe recipe;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> hyperparameters;

    public String dataset;

    @Column(name = "dataset_version")
    public Integer datasetVersion;

    public String pipeline;

    @Column(name = "source_model")
    public String sourceModel;

    @Column(name = "source_model_version")
    public Integer sourceModelVersion;

    /** The version of the same model that training started from. */
    @Column(name = "parent_version")
    public Integer parentVersion;

    /** The metric the promotion policy compares, e.g. {@code eval/exact_match}. */
    @Column(name = "eval_metric")
    public String evalMetric;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Double> metrics;

    /** The parent's metrics on the same eval split, as measured by the training job. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "parent_metrics", nullable = false)
    public Map<String, Double> parentMetrics;

    @Enumerated(EnumType.STRING)
    public PromotionDecision decision;

    @Column(name = "decision_reason")
    public String decisionReason;

    /**
     * The automatic policy's decision with its figures (rule, checks that failed, candidate vs parent overall and per
     * family, discordant counts, p-value, alpha, margin, tolerance); null for imports and manual policies.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    public GateDecision gate;

    /** {@code s3://bucket/models/{model}/{version}/}. */
    @Column(name = "artifact_uri", nullable = false)
    public String artifactUri;

    /** The training job's PEFT adapter prefix, not copied by the registry; null after full fine-tuning and for imports. */
    @Column(name = "adapter_uri")
    public String adapterUri;

    /** The adapter's files as the job reported them: {@code uri}, {@code sha256}, {@code sizeBytes} each. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "adapter_files")
    public List<Map<String, Object>> adapterFiles;

    /** Where the files were copied from: the job's merged-model prefix, or the imported directory. */
    @Column(name = "source_uri")
    public String sourceUri;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @OneToMany(mappedBy = "modelVersion", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("path")
    public List<ModelVersionFile> files = new ArrayList<>();

    public void addFile(String path, String sha256, long sizeBytes) {
        ModelVersionFile file = new ModelVersionFile();
        file.modelVersion = this;
        file.path = path;
        file.sha256 = sha256;
        file.sizeBytes = sizeBytes;
        files.add(file);
    }
}
