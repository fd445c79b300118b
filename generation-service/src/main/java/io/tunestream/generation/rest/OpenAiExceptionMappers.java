package io.tunestream.generation.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tunestream.generation.service.InferenceException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error of this service's API in OpenAI's shape {@code {"error": {"message", "type", "param", "code"}}}. */
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
    public Response unreadableBody(JsonProcessingException e) {
        return Response.status(400).type(MediaType.APPLICATION_JSON)
                .entity(OpenAiBodies.ErrorBody.of("the body is not valid JSON for this endpoint: " + e.getOriginalMessage(),
                        "invalid_request_error", null, "invalid_json"))
                .build();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(OpenAiBodies.ErrorBody.of(e.getMessage(), status >= 500 ? "server_error" : "invalid_request_error",
                        null, null))
                .build();
    }
}
