package io.tunestream.gateway.rest;

import io.tunestream.gateway.Scope;
import io.tunestream.gateway.client.Service;
import io.tunestream.gateway.client.ServiceCalls;
import io.tunestream.gateway.client.StreamingProxy;
import io.tunestream.gateway.client.TrainingRestClient;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The training-service's jobs, their metrics and their live progress. */
@Path("/api/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "jobs")
public class JobResource {

    private final TrainingRestClient training;
    private final ServiceCalls calls;
    private final StreamingProxy proxy;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    public JobResource(@RestClient TrainingRestClient training, ServiceCalls calls, StreamingProxy proxy) {
        this.training = training;
        this.calls = calls;
        this.proxy = proxy;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scope.WRITE_ROLE)
    @Operation(
            summary = "Create a training job: {dataset, version, recipe, model?, baseModelVersion?, hyperparameters?}")
    public Response create(String body) {
        return calls.relay(Service.TRAINING, uri, () -> training.createJob(body));
    }

    @GET
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "Jobs, newest first")
    public Response list(@QueryParam("limit") Integer limit) {
        return calls.relay(Service.TRAINING, uri, () -> training.listJobs(limit));
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "One job")
    public Response get(@PathParam("id") String id) {
        return calls.relay(Service.TRAINING, uri, () -> training.getJob(id));
    }

    @GET
    @Path("{id}/metrics")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "Every recorded step of a job")
    public Response metrics(@PathParam("id") String id) {
        return calls.relay(Service.TRAINING, uri, () -> training.metrics(id));
    }

    @GET
    @Path("{id}/progress")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "Server-sent events: the job now and on every change of state or step, until its final state")
    public Response progress(@PathParam("id") String id) {
        String path = UriBuilder.fromPath("/jobs/{id}/progress").build(id).getRawPath();
        return proxy.forward(Service.TRAINING, "GET", path, headers, null, uri, StreamingProxy.StreamObserver.NONE);
    }

    @POST
    @Path("{id}/cancel")
    @RolesAllowed(Scope.WRITE_ROLE)
    @Operation(summary = "Cancel a queued or running job")
    public Response cancel(@PathParam("id") String id) {
        return calls.relay(Service.TRAINING, uri, () -> training.cancel(id));
    }
}
