package io.tunestream.gateway.rest;

import io.tunestream.gateway.Scope;
import io.tunestream.gateway.client.DatasetRestClient;
import io.tunestream.gateway.client.Service;
import io.tunestream.gateway.client.ServiceCalls;
import io.tunestream.gateway.client.StreamingProxy;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The dataset-service's datasets, uploads, samples, statistics, versions and files. */
@Path("/api/v1/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "datasets")
public class DatasetResource {

    private final DatasetRestClient datasets;
    private final ServiceCalls calls;
    private final StreamingProxy proxy;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    public DatasetResource(@RestClient DatasetRestClient datasets, ServiceCalls calls, StreamingProxy proxy) {
        this.datasets = datasets;
        this.calls = calls;
        this.proxy = proxy;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scope.WRITE_ROLE)
    @Operation(summary = "Create a dataset: {\"name\", \"kind\"} with kind sft, preference, pretrain or eval")
    public Response create(String body) {
        return calls.relay(Service.DATASET, uri, () -> datasets.createDataset(body));
    }

    @GET
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "List datasets")
    public Response list() {
        return calls.relay(Service.DATASET, uri, datasets::listDatasets);
    }

    @GET
    @Path("{name}")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "One dataset")
    public Response get(@PathParam("name") String name) {
        return calls.relay(Service.DATASET, uri, () -> datasets.getDataset(name));
    }

    @POST
    @Path("{name}/uploads")
    @Consumes({
        "application/x-ndjson",
        "application/jsonl",
        MediaType.APPLICATION_JSON,
        MediaType.TEXT_PLAIN,
        MediaType.APPLICATION_OCTET_STREAM
    })
    @RolesAllowed(Scope.WRITE_ROLE)
    @Operation(summary = "Upload samples (JSONL or a JSON array; header X-File-Name optional), streamed to the service")
    public Response upload(@PathParam("name") String name, InputStream body) {
        String path =
                UriBuilder.fromPath("/datasets/{name}/uploads").build(name).getRawPath();
        return proxy.forward(Service.DATASET, "POST", path, headers, body, uri, StreamingProxy.StreamObserver.NONE);
    }

    @GET
    @Path("{name}/samples")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "Samples as received, oldest first, paged")
    public Response samples(
            @PathParam("name") String name, @QueryParam("page") Integer page, @QueryParam("size") Integer size) {
        return calls.relay(Service.DATASET, uri, () -> datasets.samples(name, page, size));
    }

    @GET
    @Path("{name}/statistics")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "A dataset's statistics")
    public Response statistics(@PathParam("name") String name) {
        return calls.relay(Service.DATASET, uri, () -> datasets.statistics(name));
    }

    @POST
    @Path("{name}/versions")
    @RolesAllowed(Scope.WRITE_ROLE)
    @Operation(summary = "Seal an evaluation set (kind eval only)")
    public Response sealEvaluationSet(@PathParam("name") String name) {
        return calls.relay(Service.DATASET, uri, () -> datasets.sealEvaluationSet(name));
    }

    @GET
    @Path("{name}/versions")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "A dataset's versions")
    public Response versions(@PathParam("name") String name) {
        return calls.relay(Service.DATASET, uri, () -> datasets.versions(name));
    }

    @GET
    @Path("{name}/versions/{version}")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "A dataset version's manifest")
    public Response manifest(@PathParam("name") String name, @PathParam("version") int version) {
        return calls.relay(Service.DATASET, uri, () -> datasets.manifest(name, version));
    }

    @GET
    @Path("{name}/versions/{version}/files/{file}")
    @Produces({"application/x-ndjson", MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM})
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "A dataset version's file (train.jsonl, eval.jsonl, manifest.json), streamed")
    public Response file(
            @PathParam("name") String name, @PathParam("version") int version, @PathParam("file") String file) {
        String path = UriBuilder.fromPath("/datasets/{name}/versions/{version}/files/{file}")
                .build(name, version, file)
                .getRawPath();
        return proxy.forward(Service.DATASET, "GET", path, headers, null, uri, StreamingProxy.StreamObserver.NONE);
    }
}
