package io.tunestream.gateway.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The registry-service's JSON routes, relayed as {@link DatasetRestClient} describes. */
@RegisterRestClient(configKey = "registry")
@Produces(MediaType.APPLICATION_JSON)
@Timeout(ClientPolicy.TIMEOUT_MILLIS)
@CircuitBreaker(
        requestVolumeThreshold = ClientPolicy.BREAKER_VOLUME,
        failureRatio = ClientPolicy.BREAKER_RATIO,
        delay = ClientPolicy.BREAKER_DELAY_MILLIS)
public interface RegistryRestClient {

    @POST
    @Path("/models/{model}/import")
    @Consumes(MediaType.APPLICATION_JSON)
    Response importDirectory(@PathParam("model") String model, String body);

    @GET
    @Path("/models")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response listModels();

    @GET
    @Path("/models/{model}")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response getModel(@PathParam("model") String model);

    @GET
    @Path("/models/{model}/versions")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response versions(@PathParam("model") String model);

    @GET
    @Path("/models/{model}/versions/{version}")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response version(@PathParam("model") String model, @PathParam("version") int version);

    @GET
    @Path("/models/{model}/versions/{version}/metrics")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response versionMetrics(@PathParam("model") String model, @PathParam("version") int version);

    @GET
    @Path("/models/{model}/metrics")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response modelMetrics(@PathParam("model") String model);

    @GET
    @Path("/models/{model}/lineage")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response lineage(@PathParam("model") String model);

    @GET
    @Path("/models/{model}/versions/{version}/lineage")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response versionLineage(@PathParam("model") String model, @PathParam("version") int version);

    @GET
    @Path("/models/{model}/aliases")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response aliases(@PathParam("model") String model);

    @GET
    @Path("/models/{model}/aliases/{alias}")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response alias(@PathParam("model") String model, @PathParam("alias") String alias);

    @GET
    @Path("/models/{model}/aliases/{alias}/history")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response aliasHistory(@PathParam("model") String model, @PathParam("alias") String alias);

    @POST
    @Path("/models/{model}/versions/{version}/promote")
    @Consumes(MediaType.APPLICATION_JSON)
    Response promote(@PathParam("model") String model, @PathParam("version") int version, String body);

    @POST
    @Path("/models/{model}/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    Response rollback(@PathParam("model") String model, String body);

    @GET
    @Path("/models/{model}/policy")
    @Retry(maxRetries = ClientPolicy.RETRIES, delay = ClientPolicy.RETRY_DELAY_MILLIS)
    Response policy(@PathParam("model") String model);

    @PUT
    @Path("/models/{model}/policy")
    @Consumes(MediaType.APPLICATION_JSON)
    Response putPolicy(@PathParam("model") String model, String body);
}
