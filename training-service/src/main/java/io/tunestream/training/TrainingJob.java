package io.tunestream.training;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.tunestream.events.Recipe;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One training job: a dataset version trained with a recipe from a base model version. The row is the queue entry that
 * runners claim under a lease ({@code lease_owner}, {@code lease_expires_at}), renewed by heartbeats while training.
 */
@Entity
@Table(name = "training_job")
public class TrainingJob extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String dataset;

    @Column(name = "dataset_version", nullable = false)
    public int datasetVersion;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Recipe recipe;

    /** The model the result is registered under. */
    @Column(nullable = false)
    public String model;

    /** The version training starts from (and the DPO reference); null: the version known as production at run time. */
    @Column(name = "base_model_version")
    public Integer baseModelVersion;

    /** The base model's files as an {@code ArtifactRef}, when given at submission; null: resolved at run time. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "base_model")
    public Map<String, Object> baseModel;

    /** {@code train}, {@code eval} and {@code manifest} as {@code ObjectRef}s. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "dataset_files", nullable = false)
    public Map<String, Object> datasetFiles;

    /** The dataset version's {@code Lineage}. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> lineage;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> hyperparameters;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public JobState state;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public JobOrigin origin;

    @Column(name = "lease_owner")
    public String leaseOwner;

    @Column(name = "lease_expires_at")
    public Instant leaseExpiresAt;

    @Column(name = "heartbeat_at")
    public Instant heartbeatAt;

    /** How many times a runner claimed the job (more than 1 after a lease expired). */
    public int attempts;

    public long step;

    @Column(name = "max_steps")
    public long maxSteps;

    @Column(name = "last_loss")
    public Double lastLoss;

    /** The step of the last uploaded checkpoint, 0 when none: where a re-claimed job resumes. */
    @Column(name = "checkpoint_step", nullable = false)
    public long checkpointStep;

    /** That checkpoint's files ({@code checkpoints/{job}/step-{n}/}) as an {@code ArtifactRef}, null when none. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> checkpoint;

    /** The step the current attempt resumed from: 0 for a fresh start. */
    @Column(name = "resumed_from_step", nullable = false)
    public long resumedFromStep;

    public String error;

    /**
     * Why the job ended as it did: which model versions made it SUPERSEDED, which job took it when COALESCED, and for
     * SUCCEEDED which step's weights are the candidate (or that no step beat the starting weights).
     */
    public String reason;

    /** COALESCED: the job that trains this job's dataset version together with its own. */
    @Column(name = "coalesced_into")
    public String coalescedInto;

    /**
     * The dataset versions this job took from other queued jobs of its pipeline and round, oldest first: each
     * {@code {jobId, dataset, version, train, eval}} ({@code ObjectRef}s). The job trains on its own files followed by
     * these; null when it took none.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "coalesced_versions")
    public List<Map<String, Object>> coalescedVersions;

    /** The published {@code TrainedModelEvent}'s artifacts and metrics, once SUCCEEDED. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> result;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;
}
