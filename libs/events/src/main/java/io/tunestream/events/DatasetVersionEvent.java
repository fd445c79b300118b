package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sealed, immutable dataset version, published by the dataset-service to {@code tunestream.dataset-versions}
 * after its files and manifest were written to object storage.
 *
 * @param version the version number, from 1, unique per dataset: with {@code dataset} the natural key
 * @param recipe what the files hold: preference triples ({@code dpo}), SFT records or plain text
 * @param train the training split ({@code train.jsonl})
 * @param eval the held-out split ({@code eval.jsonl})
 * @param manifest {@code manifest.json}: sha256 of each file, counts, dropped counts by reason, lineage
 * @param counts record counts, e.g. {@code train}, {@code eval}, and {@code dropped.<reason>}
 * @param sampling the generation parameters of the rejected answers, for {@code dpo}; null otherwise
 * @param hyperparameters the training recipe the pipeline asks for (the training-service's job hyperparameters, e.g.
 *     {@code lossType}, {@code beta}, {@code nllWeight}, {@code learningRate}); optional: empty means the trainer's
 *     defaults
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DatasetVersionEvent(
        String eventId,
        int schemaVersion,
        Instant occurredAt,
        String dataset,
        int version,
        Recipe recipe,
        ObjectRef train,
        ObjectRef eval,
        ObjectRef manifest,
        Map<String, Long> counts,
        SamplingParameters sampling,
        Lineage lineage,
        Map<String, Object> hyperparameters)
        implements TunestreamEvent {

    public static final int SCHEMA_VERSION = 1;

    public DatasetVersionEvent {
        EventValidation.requireText(eventId, "DatasetVersionEvent", "eventId");
        EventValidation.requireSchemaVersion(schemaVersion, "DatasetVersionEvent");
        EventValidation.requireValue(occurredAt, "DatasetVersionEvent", "occurredAt");
        EventValidation.requireText(dataset, "DatasetVersionEvent", "dataset");
        EventValidation.requirePositive(version, "DatasetVersionEvent", "version");
        EventValidation.requireValue(recipe, "DatasetVersionEvent", "recipe");
        EventValidation.requireValue(train, "DatasetVersionEvent", "train");
        EventValidation.requireValue(eval, "DatasetVersionEvent", "eval");
        EventValidation.requireValue(manifest, "DatasetVersionEvent", "manifest");
        counts = EventValidation.sortedCopy(counts);
        EventValidation.requireValue(lineage, "DatasetVersionEvent", "lineage");
        hyperparameters =
                hyperparameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    }

    /** A version that asks for the trainer's default recipe. */
    public DatasetVersionEvent(
            String eventId,
            int schemaVersion,
            Instant occurredAt,
            String dataset,
            int version,
            Recipe recipe,
            ObjectRef train,
            ObjectRef eval,
            ObjectRef manifest,
            Map<String, Long> counts,
            SamplingParameters sampling,
            Lineage lineage) {
        this(
                eventId,
                schemaVersion,
                occurredAt,
                dataset,
                version,
                recipe,
                train,
                eval,
                manifest,
                counts,
                sampling,
                lineage,
                null);
    }

    /** The natural key consumers deduplicate on, e.g. {@code qa/3}. */
    public String datasetVersionId() {
        return dataset + "/" + version;
    }

    @Override
    public Topic topic() {
        return Topic.DATASET_VERSIONS;
    }

    @Override
    public String partitionKey() {
        return dataset;
    }

    @Override
    public String subject() {
        return "datasets/" + dataset + "/versions/" + version;
    }
}
