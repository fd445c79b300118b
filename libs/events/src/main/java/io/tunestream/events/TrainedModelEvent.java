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
        Lineage lineage) implements TunestreamEvent {

    public static final int SCHEMA_VERSION = 1;

    public TrainedModelEvent {
        EventValidation.requireText(eventId, "TrainedModelEvent", "eventId");
        EventValidation.requireSchemaVersion(schemaVersion, "TrainedModelEvent");
        EventValidation.requireValue(occurredAt, "TrainedModelEvent", "occurredAt");
        EventValidation.requireText(jobId, "TrainedModelEvent", "jobId");
        EventValidation.requireText(model, "TrainedModelEvent", "model");
        EventValidation.requireValue(recipe, "TrainedModelEvent", "recipe");
        hyperparameters = hyperparameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
        EventValidation.requireValue(mergedModel, "TrainedModelEvent", "mergedModel");
        EventValidation.requireText(evalMetric, "TrainedModelEvent", "evalMetric");
        candidateMetrics = EventValidation.sortedCopy(candidateMetrics);
        parentMetrics = EventValidation.sortedCopy(parentMetrics);
        EventValidation.requireValue(lineage, "TrainedModelEvent", "lineage");
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
