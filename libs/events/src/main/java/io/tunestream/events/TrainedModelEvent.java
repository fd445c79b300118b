package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A finished training job, published by the training-service to {@code tunestream.trained-models} after the adapter
 * and the merged model were uploaded.
 *
 * @param jobId the training job: the natural key (registering is idempotent on it)
 * @param model the model name in the registry
 * @param recipe the stage that trained it
 * @param hyperparameters the job's hyperparameters as submitted (learning rate, LoRA rank, beta, ...)
 * @param adapter the PEFT adapter files, or null after full fine-tuning
 * @param mergedModel the Hugging Face checkpoint with the adapter folded in
 * @param evalMetric the name of the metric the promotion policy compares, e.g. {@code eval/exact_match}
 * @param candidateMetrics the trained model's metrics on the dataset version's eval split
 * @param parentMetrics the parent version's metrics on the same split
 * @param lineage dataset version, job and parent model version
 * @param evaluation candidate and parent on the evaluation set the model's policy names, item by item summarised
 *     (optional: absent when the policy names none, and then the registry falls back to {@code evalMetric})
 * @param steps the optimizer steps the job ran (optional, 0 when unknown)
 * @param chosenStep the step whose weights are the candidate, chosen on the validation split; 0 means no step beat
 *     the starting weights and the candidate is the parent's weights (optional, null when unknown)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainedModelEvent(
        String eventId,
        int schemaVersion,
        Instant occurredAt,
        String jobId,
        String model,
        Recipe recipe,
        Map<String, Object> hyperparameters,
        ArtifactRef adapter,
        ArtifactRef mergedModel,
        String evalMetric,
        Map<String, Double> candidateMetrics,
        Map<String, Double> parentMetrics,
        Lineage lineage,
        GateEvaluation evaluation,
        Long steps,
        Long chosenStep)
        implements TunestreamEvent {

    public static final int SCHEMA_VERSION = 1;

    public TrainedModelEvent {
        EventValidation.requireText(eventId, "TrainedModelEvent", "eventId");
        EventValidation.requireSchemaVersion(schemaVersion, "TrainedModelEvent");
        EventValidation.requireValue(occurredAt, "TrainedModelEvent", "occurredAt");
        EventValidation.requireText(jobId, "TrainedModelEvent", "jobId");
        EventValidation.requireText(model, "TrainedModelEvent", "model");
        EventValidation.requireValue(recipe, "TrainedModelEvent", "recipe");
        hyperparameters =
                hyperparameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
        EventValidation.requireValue(mergedModel, "TrainedModelEvent", "mergedModel");
        EventValidation.requireText(evalMetric, "TrainedModelEvent", "evalMetric");
        candidateMetrics = EventValidation.sortedCopy(candidateMetrics);
        parentMetrics = EventValidation.sortedCopy(parentMetrics);
        EventValidation.requireValue(lineage, "TrainedModelEvent", "lineage");
        steps = steps == null ? 0L : steps;
        if (steps < 0 || (chosenStep != null && (chosenStep < 0 || chosenStep > steps))) {
            throw new IllegalArgumentException(
                    "TrainedModelEvent.chosenStep must be in [0, steps], got " + chosenStep + " of " + steps);
        }
    }

    /** A trained model without an evaluation-set result or checkpoint selection. */
    public TrainedModelEvent(
            String eventId,
            int schemaVersion,
            Instant occurredAt,
            String jobId,
            String model,
            Recipe recipe,
            Map<String, Object> hyperparameters,
            ArtifactRef adapter,
            ArtifactRef mergedModel,
            String evalMetric,
            Map<String, Double> candidateMetrics,
            Map<String, Double> parentMetrics,
            Lineage lineage) {
        this(
                eventId,
                schemaVersion,
                occurredAt,
                jobId,
                model,
                recipe,
                hyperparameters,
                adapter,
                mergedModel,
                evalMetric,
                candidateMetrics,
                parentMetrics,
                lineage,
                null,
                0L,
                null);
    }

    @Override
    public Topic topic() {
        return Topic.TRAINED_MODELS;
    }

    @Override
    public String partitionKey() {
        return model;
    }

    @Override
    public String subject() {
        return "jobs/" + jobId;
    }
}
