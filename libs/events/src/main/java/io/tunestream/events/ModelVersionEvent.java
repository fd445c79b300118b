package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Map;

/**
 * A change in the registry, published by the registry-service to {@code tunestream.model-versions}. The
 * generation-service serves the version that holds {@code production}; the dataset-service starts a new round when it
 * changes.
 *
 * @param action what happened
 * @param model the model name
 * @param version the version the change is about
 * @param alias the alias it now holds ({@code production}, {@code candidate}) for promotions and roll-backs, else null
 * @param previousVersion the version that held the alias before, if any
 * @param reason why a candidate was rejected or a version rolled back, else null
 * @param artifact the version's Hugging Face checkpoint in object storage
 * @param metrics the version's evaluation metrics
 * @param lineage dataset version, job and parent version
 * @param gate the automatic promotion policy's decision with its figures, on the {@code promoted}/{@code rejected} event
 *     that announces that decision (optional: null on other events, on promotions by hand and before it existed)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelVersionEvent(
        String eventId,
        int schemaVersion,
        Instant occurredAt,
        ModelVersionAction action,
        String model,
        int version,
        String alias,
        Integer previousVersion,
        String reason,
        ArtifactRef artifact,
        Map<String, Double> metrics,
        Lineage lineage,
        GateDecision gate)
        implements TunestreamEvent {

    public static final int SCHEMA_VERSION = 1;
    public static final String PRODUCTION = "production";
    public static final String CANDIDATE = "candidate";

    public ModelVersionEvent {
        EventValidation.requireText(eventId, "ModelVersionEvent", "eventId");
        EventValidation.requireSchemaVersion(schemaVersion, "ModelVersionEvent");
        EventValidation.requireValue(occurredAt, "ModelVersionEvent", "occurredAt");
        EventValidation.requireValue(action, "ModelVersionEvent", "action");
        EventValidation.requireText(model, "ModelVersionEvent", "model");
        EventValidation.requirePositive(version, "ModelVersionEvent", "version");
        if ((action == ModelVersionAction.PROMOTED || action == ModelVersionAction.ROLLED_BACK)
                && (alias == null || alias.isBlank())) {
            throw new IllegalArgumentException("ModelVersionEvent.alias is required when action is '"
                    + action.name().toLowerCase() + "'");
        }
        if (action == ModelVersionAction.REJECTED && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("ModelVersionEvent.reason is required when action is 'rejected'");
        }
        EventValidation.requireValue(artifact, "ModelVersionEvent", "artifact");
        metrics = EventValidation.sortedCopy(metrics);
        lineage = lineage == null ? new Lineage(null, null, null, null, null, null, null) : lineage;
    }

    /** A change without a promotion decision of the automatic policy. */
    public ModelVersionEvent(
            String eventId,
            int schemaVersion,
            Instant occurredAt,
            ModelVersionAction action,
            String model,
            int version,
            String alias,
            Integer previousVersion,
            String reason,
            ArtifactRef artifact,
            Map<String, Double> metrics,
            Lineage lineage) {
        this(
                eventId,
                schemaVersion,
                occurredAt,
                action,
                model,
                version,
                alias,
                previousVersion,
                reason,
                artifact,
                metrics,
                lineage,
                null);
    }

    /** True when this event moves the {@code production} alias (a promotion or a roll-back). */
    public boolean changesProduction() {
        return PRODUCTION.equals(alias)
                && (action == ModelVersionAction.PROMOTED || action == ModelVersionAction.ROLLED_BACK);
    }

    @Override
    public Topic topic() {
        return Topic.MODEL_VERSIONS;
    }

    @Override
    public String partitionKey() {
        return model;
    }

    @Override
    public String subject() {
        return "models/" + model + "/" + version;
    }
}
