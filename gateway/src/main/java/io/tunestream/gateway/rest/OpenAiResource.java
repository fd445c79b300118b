package io.tunestream.gateway.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.identity.SecurityIdentity;
import io.tunestream.gateway.Scope;
import io.tunestream.gateway.client.Service;
import io.tunestream.gateway.client.StreamingProxy;
import io.tunestream.gateway.security.ApiKeyIdentityProvider;
import io.tunestream.gateway.service.ApiKeyService.KeyGrant;
import io.tunestream.gateway.service.RateLimiter;
import io.tunestream.gateway.service.UsageMetrics;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The OpenAI API, forwarded to the generation-service unchanged: the same paths, bodies and errors, so OpenAI clients
 * work with the gateway's URL and a key with the {@code inference} scope. Streamed completions pass through chunk by
 * chunk; the tokens they generate are counted afterwards against the key's per-minute budget.
 */
@Path("/v1")
@Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
@Tag(name = "openai")
public class OpenAiResource {

    private final StreamingProxy proxy;
    private final RateLimiter limits;
    private final UsageMetrics usage;
    private final ObjectMapper json;
    private final SecurityIdentity identity;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    public OpenAiResource(
            StreamingProxy proxy,
            RateLimiter limits,
            UsageMetrics usage,
            ObjectMapper json,
            SecurityIdentity identity) {
        this.proxy = proxy;
        this.limits = limits;
        this.usage = usage;
        this.json = json;
        this.identity = identity;
    }

    @GET
    @Path("/models")
    @RolesAllowed(Scope.INFERENCE_ROLE)
    @Operation(summary = "OpenAI: the served model")
    public Response models() {
        return proxy.forward(
                Service.GENERATION, "GET", "/v1/models", headers, null, uri, StreamingProxy.StreamObserver.NONE);
    }

    @GET
    @Path("/models/{model}")
    @RolesAllowed(Scope.INFERENCE_ROLE)
    @Operation(summary = "OpenAI: one model")
    public Response model(@PathParam("model") String model) {
        String path = UriBuilder.fromPath("/v1/models/{model}").build(model).getRawPath();
        return proxy.forward(Service.GENERATION, "GET", path, headers, null, uri, StreamingProxy.StreamObserver.NONE);
    }

    @POST
    @Path("/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scope.INFERENCE_ROLE)
    @Operation(summary = "OpenAI: text completion, streamed (SSE) with \"stream\": true")
    public Response completions(InputStream body) {
        return generate("/v1/completions", body);
    }

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scope.INFERENCE_ROLE)
    @Operation(summary = "OpenAI: chat completion, streamed (SSE) with \"stream\": true")
    public Response chatCompletions(InputStream body) {
        return generate("/v1/chat/completions", body);
    }

    private Response generate(String path, InputStream body) {
        KeyGrant key = identity.getAttribute(ApiKeyIdentityProvider.GRANT_ATTRIBUTE);
        Duration wait = limits.inferenceWait(key);
        if (!wait.isZero()) {
            throw new RateLimitedException("the key's generated-token budget per minute is spent", wait);
        }
        GeneratedTokenMeter meter = new GeneratedTokenMeter(json, tokens -> {
            limits.chargeGeneratedTokens(key, tokens);
            usage.generatedTokens(key, tokens);
        });
        return proxy.forward(Service.GENERATION, "POST", path, headers, body, uri, meter);
    }
}
