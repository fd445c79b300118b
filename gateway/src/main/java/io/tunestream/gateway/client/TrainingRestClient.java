package io.tunestream.gateway.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The training-service's JSON routes, relayed as {@link DatasetRestClient} describes. */
@RegisterRestClient(configKey = "training")
@Produces(MediaType.APPLICATION_JSON)
@Timeout(ClientPolicy.TIMEOUT_MILLIS)
@CircuitBreaker(
        requestVolumeThreshold = ClientPolicy.BREAKER_VOLUME,
        failureRatio = ClientPolicy.BREAKER_RATIO,
        delay = ClientPolicy.BREAKER_DELAY_MILLIS)
public interface TrainingRestClient {

    @POST
    @Path("/jobs")
    @Consumes(MediaType.APPLICATION_JSON)
    Response createJob(String body);

    @GET
    @Path("/jobs")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response listJobs(@QueryParam("limit") Integer limit);

    @GET
    @Path("/jobs/{id}")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response getJob(@PathParam("id") String id);

    @GET
    @Path("/jobs/{id}/metrics")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response metrics(@PathParam("id") String id);

    @POST
    @Path("/jobs/{id}/cancel")
    Response cancel(@PathParam("id") String id);
}
