package io.tunestream.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's own errors: RFC 9457 {@code application/problem+json} on the REST API, and OpenAI's
 * {@code {"error": {...}}} on {@code /v1}, where the clients are OpenAI clients that read that shape.
 */
public final class Problems {

    public static final String PROBLEM_JSON = "application/problem+json";
    /** Bodies are written here, not by the REST layer, which has no writer for {@code application/problem+json}. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {
    }

    /** A problem with {@code type} {@code about:blank}, the status' reason as {@code title}, and extension members. */
    public static Response problem(int status, String detail, String instance, Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", Response.Status.fromStatusCode(status) == null ? "HTTP " + status : Response.Status.fromStatusCode(status).getReasonPhrase());
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", instance);
        body.putAll(extensions);
        return Response.status(status).type(PROBLEM_JSON).entity(bytes(body)).build();
    }

    /** An error in OpenAI's shape: {@code type} as OpenAI names the class of error, {@code code} more precisely. */
    public static Response openAiError(int status, String message, String type, String code) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", null);
        error.put("code", code);
        return Response.status(status).type("application/json").entity(bytes(Map.of("error", error))).build();
    }

    private static byte[] bytes(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serializes", e);
        }
    }
}
