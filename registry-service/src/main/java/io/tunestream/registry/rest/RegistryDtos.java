package io.tunestream.registry.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tunestream.events.GateDecision;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The registry's REST bodies: what clients see instead of the entities. */
public final class RegistryDtos {

    private RegistryDtos() {}

    /** A model with its policy and what its aliases point at. */
    public record ModelResponse(
            String name, PolicyBody policy, int versions, Map<String, Integer> aliases, Instant createdAt) {}

    /**
     * {@code mode}: {@code manual} or {@code automatic}; {@code margin}: how much better than its parent a candidate
     * must be; {@code evaluationSet}: the sealed eval dataset version candidates are measured on (null: the training
     * job's eval metric decides); {@code alpha}: the sign test's significance level; {@code familyTolerance}: the
     * largest drop of one family's accuracy that still promotes, as a fraction.
     */
    public record PolicyBody(
            String mode, Double margin, EvaluationSetBody evaluationSet, Double alpha, Double familyTolerance) {}

    /** An evaluation set: a dataset of kind {@code eval} and one of its sealed versions. */
    public record EvaluationSetBody(String dataset, Integer version) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VersionResponse(
            String model,
            int version,
            String state,
            String origin,
            List<String> aliases,
            String jobId,
            String recipe,
            Map<String, Object> hyperparameters,
            LineageBody lineage,
            String evalMetric,
            Map<String, Double> metrics,
            Map<String, Double> parentMetrics,
            String decision,
            String decisionReason,
            GateDecision gate,
            ArtifactBody artifact,
            AdapterBody adapter,
            String source,
            Instant createdAt) {}

    /** The training job's PEFT adapter, where the job left it (the registry does not copy it). */
    public record AdapterBody(String uri, List<Map<String, Object>> files) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LineageBody(
            Integer parentVersion,
            String dataset,
            Integer datasetVersion,
            String pipeline,
            String sourceModel,
            Integer sourceModelVersion,
            String jobId,
            String recipe) {}

    public record ArtifactBody(String uri, List<FileBody> files) {}

    /** {@code download}: the path of this service's endpoint that streams the file. */
    public record FileBody(String path, String uri, String sha256, long sizeBytes, String download) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MetricsResponse(
            String model,
            int version,
            String evalMetric,
            Map<String, Double> metrics,
            Map<String, Double> parentMetrics,
            Integer parentVersion,
            String decision,
            String decisionReason,
            GateDecision gate) {}

    public record AliasResponse(String alias, int version, Instant updatedAt) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AliasChangeResponse(
            String alias, int version, Integer previousVersion, String action, String reason, Instant changedAt) {}

    /** {@code alias}: {@code production} (the default) or {@code candidate}; {@code reason}: kept and published. */
    public record PromoteRequest(String alias, String reason) {}

    /** {@code version}: the earlier version to serve again (default: the one production held before); {@code reason}. */
    public record RollbackRequest(Integer version, String reason) {}

    /** A server directory holding a Hugging Face checkpoint, under one of the configured allowed directories. */
    public record DirectoryImportRequest(String directory) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ImportResponse(
            String model,
            int version,
            String architecture,
            int vocabSize,
            int hiddenSize,
            int layers,
            int tensors,
            String dtype,
            VersionResponse registered) {}

    /**
     * Versions and dataset versions as nodes; edges {@code parent} (version to the version it was trained from),
     * {@code trained-on} (version to its dataset version), {@code generated-by} (dataset version to the model version
     * whose answers are its rejected side).
     */
    public record LineageGraph(String model, List<LineageNode> nodes, List<LineageEdge> edges) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LineageNode(
            String id,
            String kind,
            String model,
            Integer version,
            String dataset,
            Integer datasetVersion,
            String pipeline,
            String origin,
            String decision,
            List<String> aliases) {}

    public record LineageEdge(String from, String to, String kind) {}
}
