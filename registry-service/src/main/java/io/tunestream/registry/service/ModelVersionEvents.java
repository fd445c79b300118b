package io.tunestream.registry.service;

import io.tunestream.events.ArtifactRef;
import io.tunestream.events.EventIds;
import io.tunestream.events.GateDecision;
import io.tunestream.events.Lineage;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.ObjectRef;
import io.tunestream.registry.Alias;
import io.tunestream.registry.ModelVersion;
import java.time.Instant;

/** Maps a version to the model-versions event announcing a change of it; entities never go on the wire. */
public final class ModelVersionEvents {

    private ModelVersionEvents() {}

    public static ModelVersionEvent of(
            ModelVersionAction action,
            ModelVersion version,
            Alias alias,
            Integer previousVersion,
            String reason,
            Instant occurredAt) {
        return of(action, version, alias, previousVersion, reason, null, occurredAt);
    }

    /** @param gate the automatic policy's decision this event announces, or null */
    public static ModelVersionEvent of(
            ModelVersionAction action,
            ModelVersion version,
            Alias alias,
            Integer previousVersion,
            String reason,
            GateDecision gate,
            Instant occurredAt) {
        return new ModelVersionEvent(
                EventIds.next(),
                ModelVersionEvent.SCHEMA_VERSION,
                occurredAt,
                action,
                version.model.name,
                version.version,
                alias == null ? null : alias.label(),
                previousVersion,
                reason,
                artifact(version),
                version.metrics,
                lineage(version),
                gate);
    }

    public static ArtifactRef artifact(ModelVersion version) {
        return new ArtifactRef(
                version.artifactUri,
                version.files.stream()
                        .map(file -> new ObjectRef(version.artifactUri + file.path, file.sha256, file.sizeBytes))
                        .toList());
    }

    public static Lineage lineage(ModelVersion version) {
        return new Lineage(
                version.dataset,
                version.datasetVersion,
                version.pipeline,
                version.sourceModel,
                version.sourceModelVersion,
                version.jobId,
                version.parentVersion);
    }
}
