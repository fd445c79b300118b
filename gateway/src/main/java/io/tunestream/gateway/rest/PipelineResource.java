package io.tunestream.gateway.rest;

import io.tunestream.gateway.Scope;
import io.tunestream.gateway.client.DatasetRestClient;
import io.tunestream.gateway.client.Service;
import io.tunestream.gateway.client.ServiceCalls;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The dataset-service's pipelines: the DPO/SFT/pretrain loops that seal dataset versions. */
@Path("/api/v1/pipelines")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "pipelines")
public class PipelineResource {

    private final DatasetRestClient datasets;
    private final ServiceCalls calls;

    @Context
    UriInfo uri;

    public PipelineResource(@RestClient DatasetRestClient datasets, ServiceCalls calls) {
        this.datasets = datasets;
        this.calls = calls;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scope.WRITE_ROLE)
    @Operation(summary = "Create a pipeline")
    public Response create(String body) {
        return calls.relay(Service.DATASET, uri, () -> datasets.createPipeline(body));
    }

    @GET
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "List pipelines")
    public Response list() {
        return calls.relay(Service.DATASET, uri, datasets::listPipelines);
    }

    @GET
    @Path("{name}")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "One pipeline with its round, outcomes and waiting pairs")
    public Response get(@PathParam("name") String name) {
        return calls.relay(Service.DATASET, uri, () -> datasets.getPipeline(name));
    }

    @POST
    @Path("{name}/seal")
    @RolesAllowed(Scope.WRITE_ROLE)
    @Operation(summary = "Seal what is waiting as dataset versions")
    public Response seal(@PathParam("name") String name) {
        return calls.relay(Service.DATASET, uri, () -> datasets.seal(name));
    }

    @POST
    @Path("{name}/prompts/resend")
    @RolesAllowed(Scope.WRITE_ROLE)
    @Operation(summary = "Send again the current round's prompts that have no outcome yet")
    public Response resendPrompts(@PathParam("name") String name) {
        return calls.relay(Service.DATASET, uri, () -> datasets.resendPrompts(name));
    }
}
