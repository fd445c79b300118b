package io.tunestream.dataset.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.dataset.Dataset;
import io.tunestream.dataset.DatasetVersion;
import io.tunestream.dataset.RecipeConverter;
import io.tunestream.dataset.service.SealingService;
import io.tunestream.dataset.service.VersionService;
import io.tunestream.platform.problem.ResourceNotFoundException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Sealed versions: their list, their manifests, and their files streamed from object storage. */
@Path("/datasets/{dataset}/versions")
@Produces(MediaType.APPLICATION_JSON)
public class VersionResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> FILES = Map.of(
            "train.jsonl", "application/x-ndjson",
            "eval.jsonl", "application/x-ndjson",
            "manifest.json", MediaType.APPLICATION_JSON);

    private final VersionService versions;
    private final SealingService sealing;

    public VersionResource(VersionService versions, SealingService sealing) {
        this.versions = versions;
        this.sealing = sealing;
    }

    /** @param recipe null for a version of an evaluation set ({@code kind} {@code eval}), which never trains */
    public record VersionResponse(
            String dataset,
            int version,
            String kind,
            String recipe,
            Integer round,
            String sourceModel,
            Integer sourceModelVersion,
            long train,
            long eval,
            String manifestSha256,
            Instant createdAt,
            Instant publishedAt) {}

    /**
     * Seals every sample of an evaluation set ({@code eval} dataset) as its next version: 201
     * {@code {"dataset", "version", "records", "sha256"}} ({@code sha256} of {@code eval.jsonl}); 400 for another
     * kind of dataset, 409 when it has no samples or none since its last version. Never published.
     */
    @POST
    public Response sealEvaluationSet(@PathParam("dataset") String datasetName) {
        SealingService.EvalSetVersion sealed = sealing.sealEvaluationSet(datasetName);
        return Response.created(URI.create("/datasets/" + sealed.dataset() + "/versions/" + sealed.version()))
                .entity(sealed)
                .build();
    }

    @GET
    public List<VersionResponse> list(@PathParam("dataset") String datasetName) {
        VersionService.Versions found = versions.versions(datasetName);
        return found.versions().stream()
                .map(version -> toResponse(found.dataset(), version))
                .toList();
    }

    /** The manifest as stored with the version (the same bytes as {@code manifest.json}). */
    @GET
    @Path("{version}")
    public JsonNode manifest(@PathParam("dataset") String datasetName, @PathParam("version") int number) {
        String manifest = versions.manifest(datasetName, number);
        try {
            return JSON.readTree(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("stored manifest is not JSON", e);
        }
    }

    /** Streams {@code train.jsonl}, {@code eval.jsonl} or {@code manifest.json} from object storage. */
    @GET
    @Path("{version}/files/{file}")
    @Produces({"application/x-ndjson", MediaType.APPLICATION_JSON})
    public Response file(
            @PathParam("dataset") String datasetName,
            @PathParam("version") int number,
            @PathParam("file") String file) {
        String contentType = FILES.get(file);
        if (contentType == null) {
            throw new ResourceNotFoundException("a version has the files "
                    + FILES.keySet().stream().sorted().toList() + ", not '" + file + "'");
        }
        versions.requireVersion(datasetName, number);
        StreamingOutput body = out -> {
            try (InputStream in = versions.openFile(datasetName, number, file)) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, contentType).build();
    }

    private static VersionResponse toResponse(Dataset dataset, DatasetVersion version) {
        return new VersionResponse(
                dataset.name,
                version.number,
                dataset.kind.label(),
                version.recipe == null ? null : RecipeConverter.label(version.recipe),
                version.round,
                version.sourceModel,
                version.sourceModelVersion,
                version.trainCount,
                version.evalCount,
                version.manifestSha256,
                version.createdAt,
                version.publishedAt);
    }
}
