package io.tunestream.dataset.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.tunestream.dataset.Dataset;
import io.tunestream.dataset.Sample;
import io.tunestream.dataset.config.DatasetConfig;
import io.tunestream.dataset.service.DatasetService;
import io.tunestream.dataset.service.IngestionService;
import io.tunestream.platform.problem.InvalidRequestException;
import io.tunestream.platform.rest.StrictBody;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;

@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DatasetService datasets;
    private final IngestionService ingestion;
    private final DatasetConfig config;

    public DatasetResource(DatasetService datasets, IngestionService ingestion, DatasetConfig config) {
        this.datasets = datasets;
        this.ingestion = ingestion;
        this.config = config;
    }

    public record CreateDatasetRequest(String name, String kind) {}

    public record DatasetResponse(String name, String kind, Instant createdAt) {
        static DatasetResponse of(Dataset dataset) {
            return new DatasetResponse(dataset.name, dataset.kind.label(), dataset.createdAt);
        }
    }

    public record SampleResponse(
            long id, String format, String contentHash, JsonNode record, String source, Instant createdAt) {}

    public record SamplePage(String dataset, int page, int size, long total, List<SampleResponse> items) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictBody.class)
    public Response create(CreateDatasetRequest request) {
        if (request == null) {
            throw new InvalidRequestException(
                    "send {\"name\": ..., \"kind\": \"sft\" | \"preference\" | \"pretrain\" | \"eval\"}");
        }
        Dataset dataset = datasets.create(request.name(), request.kind());
        return Response.created(URI.create("/datasets/" + dataset.name))
                .entity(DatasetResponse.of(dataset))
                .build();
    }

    @GET
    public List<DatasetResponse> list() {
        return datasets.list().stream().map(DatasetResponse::of).toList();
    }

    @GET
    @Path("{name}")
    public DatasetResponse get(@PathParam("name") String name) {
        return DatasetResponse.of(datasets.get(name));
    }

    /**
     * Uploads records as JSONL or a JSON array. The body is streamed to a spool file, so its size is bounded by disk.
     * {@code X-File-Name} names the upload in error messages.
     */
    @POST
    @Path("{name}/uploads")
    @Consumes({
        "application/x-ndjson",
        "application/jsonl",
        MediaType.APPLICATION_JSON,
        MediaType.TEXT_PLAIN,
        MediaType.APPLICATION_OCTET_STREAM
    })
    public Response upload(
            @PathParam("name") String name, @HeaderParam("X-File-Name") String fileName, InputStream body) {
        IngestionService.UploadResult result =
                ingestion.upload(name, body, fileName == null || fileName.isBlank() ? "upload" : fileName);
        return Response.status(Response.Status.CREATED).entity(result).build();
    }

    @GET
    @Path("{name}/samples")
    public SamplePage samples(
            @PathParam("name") String name,
            @QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("50") int size) {
        if (page < 0 || size < 1 || size > config.maxPageSize()) {
            throw new InvalidRequestException("page must be >= 0 and size between 1 and " + config.maxPageSize()
                    + "; got page " + page + ", size " + size);
        }
        DatasetService.Samples found = datasets.samples(name, page, size);
        List<SampleResponse> items =
                found.page().stream().map(DatasetResource::toResponse).toList();
        return new SamplePage(found.dataset().name, page, size, found.total(), items);
    }

    @GET
    @Path("{name}/statistics")
    public DatasetService.Statistics statistics(@PathParam("name") String name) {
        return datasets.statistics(name);
    }

    private static SampleResponse toResponse(Sample sample) {
        try {
            return new SampleResponse(
                    sample.id,
                    sample.format,
                    sample.contentHash,
                    JSON.readTree(sample.record),
                    sample.source,
                    sample.createdAt);
        } catch (IOException e) {
            throw new UncheckedIOException("stored sample " + sample.id + " is not JSON", e);
        }
    }
}
