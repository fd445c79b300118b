package io.tunestream.training.rest;

import io.tunestream.events.Recipe;
import io.tunestream.training.JobOrigin;
import io.tunestream.training.JobState;
import io.tunestream.training.TrainingJob;
import io.tunestream.training.TrainingMetric;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The REST API's shapes; entities never go on the wire. */
public final class JobDtos {

    private JobDtos() {}

    /** A submission: {@code dataset}, {@code version} and {@code recipe} are required. */
    public record SubmitJobRequest(
            String dataset,
            Integer version,
            Recipe recipe,
            String model,
            Integer baseModelVersion,
            Map<String, Object> hyperparameters) {}

    /**
     * A job. {@code reason}: why it ended as it did (SUPERSEDED: which model versions; COALESCED: the job that took it,
     * also in {@code coalescedInto}; SUCCEEDED: the chosen step, or that no step beat the starting weights);
     * {@code coalescedVersions}: the dataset versions it took from other jobs of its round and trained on too.
     */
    public record JobView(
            String id,
            String dataset,
            int datasetVersion,
            Recipe recipe,
            String model,
            Integer baseModelVersion,
            Map<String, Object> hyperparameters,
            JobState state,
            String reason,
            String coalescedInto,
            List<Map<String, Object>> coalescedVersions,
            JobOrigin origin,
            String leaseOwner,
            Instant leaseExpiresAt,
            Instant heartbeatAt,
            int attempts,
            long step,
            long maxSteps,
            Double lastLoss,
            long checkpointStep,
            long resumedFromStep,
            String error,
            Map<String, Object> result,
            Instant createdAt,
            Instant startedAt,
            Instant finishedAt) {

        static JobView of(TrainingJob job) {
            return new JobView(
                    job.id,
                    job.dataset,
                    job.datasetVersion,
                    job.recipe,
                    job.model,
                    job.baseModelVersion,
                    job.hyperparameters,
                    job.state,
                    job.reason,
                    job.coalescedInto,
                    job.coalescedVersions,
                    job.origin,
                    job.leaseOwner,
                    job.leaseExpiresAt,
                    job.heartbeatAt,
                    job.attempts,
                    job.step,
                    job.maxSteps,
                    job.lastLoss,
                    job.checkpointStep,
                    job.resumedFromStep,
                    job.error,
                    job.result,
                    job.createdAt,
                    job.startedAt,
                    job.finishedAt);
        }
    }

    public record MetricView(
            long step, double loss, double learningRate, Map<String, Double> metrics, Instant recordedAt) {

        static MetricView of(TrainingMetric metric) {
            return new MetricView(metric.step, metric.loss, metric.learningRate, metric.metrics, metric.recordedAt);
        }
    }
}
