package io.tunestream.gateway.rest;

import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.tunestream.gateway.client.ServiceUnavailableException;
import io.tunestream.platform.problem.ProblemResponses;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * The gateway's own errors: problem+json on the REST API, OpenAI's error shape on {@code /v1} (see {@link Problems}).
 * Authentication runs lazily ({@code quarkus.http.auth.proactive=false}) precisely so that its failures land here.
 */
public class GatewayExceptionMappers {

    private static final Logger LOG = Logger.getLogger(GatewayExceptionMappers.class);
    private static final String BEARER_CHALLENGE = "Bearer realm=\"tunestream\"";

    @ServerExceptionMapper({
        UnauthorizedException.class,
        AuthenticationFailedException.class,
        AuthenticationCompletionException.class
    })
    public Response unauthenticated(RuntimeException e, UriInfo uri) {
        String detail = e instanceof AuthenticationFailedException && e.getMessage() != null
                ? e.getMessage()
                : "an API key is required: send 'Authorization: Bearer ts_...'";
        return Response.fromResponse(error(uri, 401, detail, "invalid_request_error", "invalid_api_key", Map.of()))
                .header("WWW-Authenticate", BEARER_CHALLENGE)
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri, SimpleResourceInfo resource) {
        Routes.Route route = Routes.of(resource);
        String detail = "the key lacks the scope " + String.join(" or ", route.scopes()) + " that this route needs";
        return error(
                uri,
                403,
                detail,
                "permission_error",
                "insufficient_scope",
                Map.of("requiredScope", String.join(",", route.scopes())));
    }

    @ServerExceptionMapper
    public Response rateLimited(RateLimitedException e, UriInfo uri) {
        return Response.fromResponse(error(
                        uri,
                        429,
                        e.getMessage() + "; retry in " + e.retryAfterSeconds() + " s",
                        "rate_limit_error",
                        "rate_limit_exceeded",
                        Map.of()))
                .header("Retry-After", e.retryAfterSeconds())
                .build();
    }

    @ServerExceptionMapper
    public Response unavailable(ServiceUnavailableException e, UriInfo uri) {
        LOG.warnf("%s %s: %s", uri.getRequestUri().getRawPath(), e.service().displayName(), e.getMessage());
        return error(
                uri,
                503,
                e.getMessage(),
                "service_unavailable",
                "service_unavailable",
                Map.of("service", e.service().displayName()));
    }

    /** Off {@code /v1} exactly the platform's answer ({@link ProblemResponses#web}); OpenAI's shape on it. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri, Request request) {
        String path = uri.getRequestUri().getRawPath();
        if (!path.startsWith("/v1/")) {
            return ProblemResponses.web(e, request.getMethod(), path);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            ProblemResponses.logFailure(e, request.getMethod(), path);
        }
        return Problems.openAiError(
                status,
                status >= 500 ? ProblemResponses.SERVER_ERROR_DETAIL : e.getMessage(),
                status >= 500 ? "api_error" : "invalid_request_error",
                null);
    }

    /** Logged with its cause, answered without it (the platform's contract), in OpenAI's shape on {@code /v1}. */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri, Request request) {
        String path = uri.getRequestUri().getRawPath();
        if (!path.startsWith("/v1/")) {
            return ProblemResponses.unexpected(e, request.getMethod(), path);
        }
        ProblemResponses.logFailure(e, request.getMethod(), path);
        return Problems.openAiError(500, ProblemResponses.SERVER_ERROR_DETAIL, "api_error", null);
    }

    private static Response error(
            UriInfo uri,
            int status,
            String detail,
            String openAiType,
            String openAiCode,
            Map<String, Object> extensions) {
        String path = uri.getRequestUri().getRawPath();
        if (path.startsWith("/v1/")) {
            return Problems.openAiError(status, detail, openAiType, openAiCode);
        }
        return Problems.problem(status, detail, path, extensions);
    }
}
