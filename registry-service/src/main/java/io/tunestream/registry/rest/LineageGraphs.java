package io.tunestream.registry.rest;

import io.tunestream.registry.ModelAlias;
import io.tunestream.registry.ModelVersion;
import io.tunestream.registry.rest.RegistryDtos.LineageEdge;
import io.tunestream.registry.rest.RegistryDtos.LineageGraph;
import io.tunestream.registry.rest.RegistryDtos.LineageNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The lineage of a model's versions as a graph: versions and dataset versions are nodes; a version points at the
 * version it was trained from ({@code parent}) and at the dataset version it was trained on ({@code trained-on}); a
 * dataset version points at the model version whose answers are its rejected side ({@code generated-by}), when that
 * version is in the graph.
 */
final class LineageGraphs {

    static final String PARENT = "parent";
    static final String TRAINED_ON = "trained-on";
    static final String GENERATED_BY = "generated-by";

    private LineageGraphs() {}

    /** Every version of the model in {@code versions} (in version order). */
    static LineageGraph of(String model, List<ModelVersion> versions, List<ModelAlias> aliases) {
        Map<String, LineageNode> nodes = new LinkedHashMap<>();
        List<LineageEdge> edges = new ArrayList<>();
        for (ModelVersion version : versions) {
            List<String> held = aliases.stream()
                    .filter(alias -> alias.target.id.equals(version.id))
                    .map(alias -> alias.alias.label())
                    .toList();
            nodes.put(
                    versionId(model, version.version),
                    new LineageNode(
                            versionId(model, version.version),
                            "model-version",
                            model,
                            version.version,
                            null,
                            null,
                            null,
                            RegistryMapper.lower(version.origin),
                            RegistryMapper.lower(version.decision),
                            held));
        }
        for (ModelVersion version : versions) {
            String from = versionId(model, version.version);
            if (version.parentVersion != null && nodes.containsKey(versionId(model, version.parentVersion))) {
                edges.add(new LineageEdge(from, versionId(model, version.parentVersion), PARENT));
            }
            if (version.dataset != null && version.datasetVersion != null) {
                String dataset = datasetId(version.dataset, version.datasetVersion);
                nodes.putIfAbsent(
                        dataset,
                        new LineageNode(
                                dataset,
                                "dataset-version",
                                null,
                                null,
                                version.dataset,
                                version.datasetVersion,
                                version.pipeline,
                                null,
                                null,
                                null));
                edges.add(new LineageEdge(from, dataset, TRAINED_ON));
                if (Objects.equals(version.sourceModel, model)
                        && version.sourceModelVersion != null
                        && nodes.containsKey(versionId(model, version.sourceModelVersion))) {
                    LineageEdge generatedBy =
                            new LineageEdge(dataset, versionId(model, version.sourceModelVersion), GENERATED_BY);
                    if (!edges.contains(generatedBy)) {
                        edges.add(generatedBy);
                    }
                }
            }
        }
        return new LineageGraph(model, List.copyOf(nodes.values()), edges);
    }

    /** The version and its ancestors (parent after parent), with their dataset versions. */
    static LineageGraph ancestry(
            String model, ModelVersion version, List<ModelVersion> versions, List<ModelAlias> aliases) {
        Map<Integer, ModelVersion> byNumber = new LinkedHashMap<>();
        versions.forEach(candidate -> byNumber.put(candidate.version, candidate));
        List<ModelVersion> line = new ArrayList<>();
        ModelVersion current = version;
        while (current != null && !line.contains(current)) {
            line.add(0, current);
            current = current.parentVersion == null ? null : byNumber.get(current.parentVersion);
        }
        return of(model, line, aliases);
    }

    static String versionId(String model, int version) {
        return "models/" + model + "/versions/" + version;
    }

    static String datasetId(String dataset, int version) {
        return "datasets/" + dataset + "/versions/" + version;
    }
}
