package io.tunestream.registry.rest;

import io.tunestream.registry.AliasChange;
import io.tunestream.registry.ModelAlias;
import io.tunestream.registry.ModelVersion;
import io.tunestream.registry.ModelVersionFile;
import io.tunestream.registry.RegisteredModel;
import io.tunestream.registry.rest.RegistryDtos.AdapterBody;
import io.tunestream.registry.rest.RegistryDtos.AliasChangeResponse;
import io.tunestream.registry.rest.RegistryDtos.AliasResponse;
import io.tunestream.registry.rest.RegistryDtos.ArtifactBody;
import io.tunestream.registry.rest.RegistryDtos.EvaluationSetBody;
import io.tunestream.registry.rest.RegistryDtos.FileBody;
import io.tunestream.registry.rest.RegistryDtos.LineageBody;
import io.tunestream.registry.rest.RegistryDtos.MetricsResponse;
import io.tunestream.registry.rest.RegistryDtos.ModelResponse;
import io.tunestream.registry.rest.RegistryDtos.PolicyBody;
import io.tunestream.registry.rest.RegistryDtos.VersionResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Entities to REST bodies; called inside the transaction that loaded them. */
final class RegistryMapper {

    private RegistryMapper() {}

    static ModelResponse model(RegisteredModel model, int versionCount, List<ModelAlias> aliases) {
        Map<String, Integer> pointers = new LinkedHashMap<>();
        aliases.forEach(alias -> pointers.put(alias.alias.label(), alias.target.version));
        return new ModelResponse(model.name, policy(model), versionCount, pointers, model.createdAt);
    }

    static PolicyBody policy(RegisteredModel model) {
        return new PolicyBody(
                lower(model.promotionMode),
                model.promotionMargin,
                model.evaluationDataset == null
                        ? null
                        : new EvaluationSetBody(model.evaluationDataset, model.evaluationVersion),
                model.gateAlpha,
                model.familyTolerance);
    }

    static VersionResponse version(ModelVersion version, List<ModelAlias> aliases) {
        List<String> held = aliases.stream()
                .filter(alias -> alias.target.id.equals(version.id))
                .map(alias -> alias.alias.label())
                .toList();
        return new VersionResponse(
                version.model.name,
                version.version,
                lower(version.state),
                lower(version.origin),
                held,
                version.jobId,
                lower(version.recipe),
                version.hyperparameters,
                lineage(version),
                version.evalMetric,
                version.metrics,
                version.parentMetrics,
                lower(version.decision),
                version.decisionReason,
                version.gate,
                artifact(version),
                version.adapterUri == null
                        ? null
                        : new AdapterBody(
                                version.adapterUri, version.adapterFiles == null ? List.of() : version.adapterFiles),
                version.sourceUri,
                version.createdAt);
    }

    static LineageBody lineage(ModelVersion version) {
        return new LineageBody(
                version.parentVersion,
                version.dataset,
                version.datasetVersion,
                version.pipeline,
                version.sourceModel,
                version.sourceModelVersion,
                version.jobId,
                lower(version.recipe));
    }

    static ArtifactBody artifact(ModelVersion version) {
        return new ArtifactBody(
                version.artifactUri,
                version.files.stream().map(file -> file(version, file)).toList());
    }

    static FileBody file(ModelVersion version, ModelVersionFile file) {
        return new FileBody(
                file.path,
                version.artifactUri + file.path,
                file.sha256,
                file.sizeBytes,
                "/models/" + version.model.name + "/versions/" + version.version + "/files/" + file.path);
    }

    static MetricsResponse metrics(ModelVersion version) {
        return new MetricsResponse(
                version.model.name,
                version.version,
                version.evalMetric,
                version.metrics,
                version.parentMetrics,
                version.parentVersion,
                lower(version.decision),
                version.decisionReason,
                version.gate);
    }

    static AliasResponse alias(ModelAlias alias) {
        return new AliasResponse(alias.alias.label(), alias.target.version, alias.updatedAt);
    }

    static AliasChangeResponse aliasChange(AliasChange change) {
        return new AliasChangeResponse(
                change.alias.label(),
                change.version,
                change.previousVersion,
                change.action.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                change.reason,
                change.changedAt);
    }

    /** Enum constants as the API spells them: lowercase, '-' between words. */
    static String lower(Enum<?> value) {
        return value == null ? null : value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
