package io.tunestream.training.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.tunestream.events.Recipe;
import io.tunestream.training.JobState;
import io.tunestream.training.TrainingJob;
import io.tunestream.training.TrainingMetric;
import io.tunestream.llm.training.StepMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The job queue. Every method that a runner calls runs in a transaction of its own and checks that the caller still
 * holds the job's lease, so a runner that lost its lease (expired and re-claimed, or the job cancelled) changes nothing.
 */
@ApplicationScoped
public class TrainingJobRepository implements PanacheRepositoryBase<TrainingJob, String> {

    private final EntityManager entityManager;

    public TrainingJobRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    public Optional<TrainingJob> findByDatasetVersion(String dataset, int version, Recipe recipe) {
        return find("dataset = ?1 and datasetVersion = ?2 and recipe = ?3", dataset, version, recipe).firstResultOptional();
    }

    public List<TrainingJob> newestFirst(int limit) {
        return find("order by createdAt desc, id desc").page(0, limit).list();
    }

    /**
     * Claims the oldest QUEUED job, or a RUNNING job whose lease expired, for {@code owner}: the row is locked with
     * {@code FOR UPDATE SKIP LOCKED}, so concurrent claimers (threads or replicas) each get a different job or none.
     * A re-claimed job resumes from its last recorded checkpoint: the metrics the earlier attempt recorded after that
     * step are removed (the resumed run records those steps again), and {@code resumedFromStep} says where it resumes.
     *
     * @return the claimed job, detached, in state RUNNING with the new lease
     */
    public Optional<TrainingJob> claim(String owner, Duration lease) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = Instant.now();
            @SuppressWarnings("unchecked")
            List<String> ids = entityManager.createNativeQuery("""
                    select id from training_job
                    where state = 'QUEUED' or (state = 'RUNNING' and lease_expires_at < ?1)
                    order by created_at, id
                    limit 1
                    for update skip locked""")
                    .setParameter(1, now)
                    .getResultList();
            if (ids.isEmpty()) {
                return Optional.<TrainingJob>empty();
            }
            TrainingJob job = findById(ids.get(0));
            if (job.state == JobState.RUNNING) {
                TrainingMetric.delete("jobId = ?1 and step > ?2", job.id, job.checkpointStep);
            }
            job.state = JobState.RUNNING;
            job.leaseOwner = owner;
            job.leaseExpiresAt = now.plus(lease);
            job.heartbeatAt = now;
            job.attempts++;
            job.step = job.checkpointStep;
            job.resumedFromStep = job.checkpointStep;
            job.lastLoss = null;
            job.error = null;
            if (job.startedAt == null) {
                job.startedAt = now;
            }
            return Optional.of(job);
        });
    }

    /** Renews {@code owner}'s lease; false when the job is no longer RUNNING under that owner (cancelled, re-claimed). */
    public boolean heartbeat(String jobId, String owner, Duration lease) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = Instant.now();
            return update("leaseExpiresAt = ?1, heartbeatAt = ?2 where id = ?3 and leaseOwner = ?4 and state = ?5",
                    now.plus(lease), now, jobId, owner, JobState.RUNNING) == 1;
        });
    }

    /** Records one step; false (and nothing recorded) when {@code owner} no longer holds the job. */
    public boolean recordStep(String jobId, String owner, StepMetrics metrics) {
        return QuarkusTransaction.requiringNew().call(() -> {
            int updated = update("step = ?1, maxSteps = ?2, lastLoss = ?3 where id = ?4 and leaseOwner = ?5 and state = ?6",
                    metrics.step(), metrics.maxSteps(), metrics.loss(), jobId, owner, JobState.RUNNING);
            if (updated != 1) {
                return false;
            }
            TrainingMetric row = new TrainingMetric();
            row.jobId = jobId;
            row.step = metrics.step();
            row.loss = metrics.loss();
            row.learningRate = metrics.learningRate();
            row.metrics = Map.copyOf(metrics.metrics());
            row.recordedAt = Instant.now();
            row.persist();
            return true;
        });
    }

    /**
     * Records a checkpoint whose objects are written; false (and nothing recorded) when {@code owner} no longer holds
     * the job. A checkpoint never moves back: an older step than the recorded one changes nothing.
     */
    public boolean recordCheckpoint(String jobId, String owner, long step, Map<String, Object> artifact) {
        return QuarkusTransaction.requiringNew().call(() -> {
            TrainingJob job = findById(jobId);
            if (job == null || job.state != JobState.RUNNING || !owner.equals(job.leaseOwner)) {
                return false;
            }
            if (step > job.checkpointStep) {
                job.checkpointStep = step;
                job.checkpoint = artifact;
            }
            return true;
        });
    }

    /** Stores the base model a run resolved; false when {@code owner} no longer holds the job. */
    public boolean recordBaseModel(String jobId, String owner, int version, Map<String, Object> artifact) {
        return QuarkusTransaction.requiringNew().call(() -> {
            TrainingJob job = findById(jobId);
            if (job == null || job.state != JobState.RUNNING || !owner.equals(job.leaseOwner)) {
                return false;
            }
            job.baseModelVersion = version;
            job.baseModel = artifact;
            return true;
        });
    }

    /** Ends {@code owner}'s run in {@code state}; false when the job was cancelled or re-claimed meanwhile. */
    public boolean finish(String jobId, String owner, JobState state, String error, Map<String, Object> result) {
        return QuarkusTransaction.requiringNew().call(() -> {
            TrainingJob job = findById(jobId);
            if (job == null || job.state != JobState.RUNNING || !owner.equals(job.leaseOwner)) {
                return false;
            }
            job.state = state;
            job.error = error;
            job.result = result;
            job.leaseOwner = null;
            job.leaseExpiresAt = null;
            job.finishedAt = Instant.now();
            return true;
        });
    }

    public List<TrainingMetric> metrics(String jobId) {
        return TrainingMetric.list("jobId = ?1 order by step", jobId);
    }
}
