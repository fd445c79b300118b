package io.tunestream.registry.rest;

import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.tunestream.platform.problem.InvalidRequestException;
import io.tunestream.platform.rest.StrictBody;
import io.tunestream.registry.ModelVersionFile;
import io.tunestream.registry.RegisteredModel;
import io.tunestream.registry.config.RegistryConfig;
import io.tunestream.registry.rest.RegistryDtos.DirectoryImportRequest;
import io.tunestream.registry.rest.RegistryDtos.ImportResponse;
import io.tunestream.registry.service.CheckpointImport;
import io.tunestream.registry.service.ModelService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Bringing checkpoints in (import) and taking version files out (streamed download). */
@jakarta.ws.rs.Path("/models/{model}")
public class ModelArtifactResource {

    private final CheckpointImport checkpointImport;
    private final ModelService models;
    private final RegistryConfig.Import settings;

    public ModelArtifactResource(CheckpointImport checkpointImport, ModelService models, RegistryConfig config) {
        this.checkpointImport = checkpointImport;
        this.models = models;
        this.settings = config.importing();
    }

    /**
     * Imports a Hugging Face checkpoint uploaded as {@code multipart/form-data}, one part per file named by its file
     * name ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json}, ...), as version 1 of a new model,
     * which becomes its production version. Example:
     * {@code curl -F file=@config.json -F file=@model.safetensors -F file=@tokenizer.json .../models/qwen-small/import}
     */
    @POST
    @jakarta.ws.rs.Path("import")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    public Response importUpload(@RestPath String model, @RestForm(FileUpload.ALL) List<FileUpload> files) {
        if (files == null || files.isEmpty()) {
            throw new InvalidRequestException("no files uploaded: send the checkpoint's files as multipart/form-data"
                    + " parts with file names (config.json, model.safetensors, tokenizer.json, ...)");
        }
        Path directory = settings.workDirectory().resolve(UUID.randomUUID().toString());
        try {
            Files.createDirectories(directory);
            Set<String> names = new HashSet<>();
            for (FileUpload file : files) {
                String name = file.fileName();
                if (name == null
                        || name.isBlank()
                        || name.contains("/")
                        || name.contains("\\")
                        || name.equals("..")
                        || name.equals(".")) {
                    throw new InvalidRequestException("upload part '" + file.name() + "' has file name '" + name
                            + "'; each part needs a plain file name such as config.json");
                }
                if (!names.add(name)) {
                    throw new InvalidRequestException("file '" + name + "' was uploaded twice");
                }
                Files.move(file.uploadedFile(), directory.resolve(name));
            }
            return imported(checkpointImport.importCheckpoint(
                    model,
                    directory,
                    "upload:" + String.join(",", names.stream().sorted().toList())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the upload in " + directory + ": " + e.getMessage(), e);
        } finally {
            deleteRecursively(directory);
        }
    }

    /**
     * Imports a checkpoint directory on the server ({@code {"directory": "/srv/models/qwen2.5-0.5b"}}), which must lie
     * under one of {@code tunestream.registry.importing.allowed-directories}.
     */
    @POST
    @jakarta.ws.rs.Path("import")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictBody.class)
    public Response importDirectory(@RestPath String model, DirectoryImportRequest request) {
        if (request == null
                || request.directory() == null
                || request.directory().isBlank()) {
            throw new InvalidRequestException(
                    "the body must name a server directory: {\"directory\": \"/path/to/checkpoint\"}");
        }
        List<Path> allowed = settings.allowedDirectories().orElse(List.of());
        if (allowed.isEmpty()) {
            throw new InvalidRequestException("importing from a server directory is disabled; set"
                    + " tunestream.registry.importing.allowed-directories, or upload the files as multipart/form-data");
        }
        Path directory;
        try {
            directory = Path.of(request.directory()).toRealPath();
        } catch (IOException | RuntimeException e) {
            throw new InvalidRequestException("directory '" + request.directory() + "' does not exist on the server");
        }
        Path resolved = directory;
        if (!Files.isDirectory(resolved) || allowed.stream().noneMatch(root -> resolved.startsWith(realPath(root)))) {
            throw new InvalidRequestException("directory '" + request.directory() + "' is not a directory under the"
                    + " allowed import directories " + allowed);
        }
        return imported(checkpointImport.importCheckpoint(
                model, resolved, resolved.toUri().toString()));
    }

    /** Streams one file of a ready version from object storage, with its sha256 in {@code X-Checksum-SHA256}. */
    @GET
    @jakarta.ws.rs.Path("versions/{version}/files/{path: .+}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response download(@RestPath String model, @RestPath int version, @RestPath String path) {
        ModelVersionFile file = models.readyFile(model, version, path);
        StreamingOutput body = output -> {
            try (InputStream in = models.openFile(model, version, path)) {
                in.transferTo(output);
            }
        };
        String fileName = path.substring(path.lastIndexOf('/') + 1);
        return Response.ok(body, MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Content-Length", file.sizeBytes)
                .header("X-Checksum-SHA256", file.sha256)
                .header("ETag", "\"" + file.sha256 + "\"")
                .header("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
                .build();
    }

    private Response imported(CheckpointImport.Imported imported) {
        var summary = imported.checkpoint();
        RegisteredModel model = models.model(imported.model());
        var registered = RegistryMapper.version(models.version(model, imported.version()), models.aliases(model));
        return Response.status(Response.Status.CREATED)
                .header("Location", "/models/" + imported.model() + "/versions/" + imported.version())
                .entity(new ImportResponse(
                        imported.model(),
                        imported.version(),
                        summary.architecture(),
                        summary.vocabSize(),
                        summary.hiddenSize(),
                        summary.layers(),
                        summary.tensors(),
                        summary.dtype(),
                        registered))
                .build();
    }

    private static Path realPath(Path root) {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            return root.toAbsolutePath().normalize();
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
