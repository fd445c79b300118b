package io.tunestream.generation.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.tunestream.generation.service.InferenceException;
import io.tunestream.platform.problem.ProblemResponses;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The errors of the OpenAI-compatible API ({@code /v1}) in OpenAI's shape
 * {@code {"error": {"message", "type", "param", "code"}}}, which OpenAI's clients parse; every other route answers
 * with the platform's problem details like every Tunestream service. These mappers rank above the platform's
 * ({@code ProblemMappers}), so they decide for each route which contract applies.
 */
public class OpenAiExceptionMappers {

    @ServerExceptionMapper
    public Response inference(InferenceException e) {
        Response.ResponseBuilder response = Response.status(e.status())
                .type(MediaType.APPLICATION_JSON)
                .entity(OpenAiBodies.ErrorBody.of(e.getMessage(), e.type(), e.param(), e.code()));
        if (e.status() == 503) {
            response.header("Retry-After", "1");
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response unreadableBody(JsonProcessingException e, HttpServerRequest request) {
        if (!isOpenAiRoute(request)) {
            return ProblemResponses.unreadableBody(e, request.path());
        }
        return Response.status(400)
                .type(MediaType.APPLICATION_JSON)
                .entity(OpenAiBodies.ErrorBody.of(
                        "the body is not valid JSON for this endpoint: " + e.getOriginalMessage(),
                        "invalid_request_error",
                        null,
                        "invalid_json"))
                .build();
    }

    /** Named apart from its supertype above: the platform and Quarkus REST have a mapper for exactly this one. */
    @ServerExceptionMapper
    public Response mismatchedBody(MismatchedInputException e, HttpServerRequest request) {
        return unreadableBody(e, request);
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, HttpServerRequest request) {
        if (!isOpenAiRoute(request)) {
            return ProblemResponses.web(e, request.method().name(), request.path());
        }
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            // Quarkus REST wraps a body Jackson could not parse (not JSON at all) in a bare 400.
            return unreadableBody(unreadable, request);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            ProblemResponses.logFailure(e, request.method().name(), request.path());
        }
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(OpenAiBodies.ErrorBody.of(
                        status >= 500 ? ProblemResponses.SERVER_ERROR_DETAIL : e.getMessage(),
                        status >= 500 ? "server_error" : "invalid_request_error",
                        null,
                        null))
                .build();
    }

    /** A failure nobody foresaw: logged in full, answered without its class or message. */
    @ServerExceptionMapper
    public Response unexpected(Exception e, HttpServerRequest request) {
        if (!isOpenAiRoute(request)) {
            return ProblemResponses.unexpected(e, request.method().name(), request.path());
        }
        ProblemResponses.logFailure(e, request.method().name(), request.path());
        return Response.status(500)
                .type(MediaType.APPLICATION_JSON)
                .entity(OpenAiBodies.ErrorBody.of(ProblemResponses.SERVER_ERROR_DETAIL, "server_error", null, null))
                .build();
    }

    private static boolean isOpenAiRoute(HttpServerRequest request) {
        String path = request.path();
        return path.equals("/v1") || path.startsWith("/v1/");
    }
}
