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

/**
 * The dataset-service's JSON routes. Bodies travel as the JSON text the client sent and the service answered, so a
 * field the gateway does not know is never dropped; every response, errors included, comes back as a
 * {@link Response} (the default exception mapper is off) and {@link ServiceCalls} relays it. The fault-tolerance
 * annotations sit on the interface itself: Quarkus applies them to REST clients, which spares a decorating bean
 * that would repeat every method. Only reads are retried: a create or a seal sent twice is not the same as once.
 */
@RegisterRestClient(configKey = "dataset")
@Produces(MediaType.APPLICATION_JSON)
@Timeout(ClientPolicy.TIMEOUT_MILLIS)
@CircuitBreaker(
        requestVolumeThreshold = ClientPolicy.BREAKER_VOLUME,
        failureRatio = ClientPolicy.BREAKER_RATIO,
        delay = ClientPolicy.BREAKER_DELAY_MILLIS)
public interface DatasetRestClient {

    @POST
    @Path("/datasets")
    @Consumes(MediaType.APPLICATION_JSON)
    Response createDataset(String body);

    @GET
    @Path("/datasets")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response listDatasets();

    @GET
    @Path("/datasets/{name}")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response getDataset(@PathParam("name") String name);

    @GET
    @Path("/datasets/{name}/samples")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response samples(
            @PathParam("name") String name, @QueryParam("page") Integer page, @QueryParam("size") Integer size);

    @GET
    @Path("/datasets/{name}/statistics")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response statistics(@PathParam("name") String name);

    @POST
    @Path("/datasets/{name}/versions")
    Response sealEvaluationSet(@PathParam("name") String name);

    @GET
    @Path("/datasets/{name}/versions")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response versions(@PathParam("name") String name);

    @GET
    @Path("/datasets/{name}/versions/{version}")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response manifest(@PathParam("name") String name, @PathParam("version") int version);

    @POST
    @Path("/pipelines")
    @Consumes(MediaType.APPLICATION_JSON)
    Response createPipeline(String body);

    @GET
    @Path("/pipelines")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response listPipelines();

    @GET
    @Path("/pipelines/{name}")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response getPipeline(@PathParam("name") String name);

    @POST
    @Path("/pipelines/{name}/seal")
    Response seal(@PathParam("name") String name);

    @POST
    @Path("/pipelines/{name}/prompts/resend")
    Response resendPrompts(@PathParam("name") String name);
}
