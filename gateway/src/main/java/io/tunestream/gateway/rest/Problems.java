package io.tunestream.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.platform.problem.Problem;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's own errors: RFC 9457 {@code application/problem+json} on the REST API (the platform's
 * {@link Problem}), and OpenAI's {@code {"error": {...}}} on {@code /v1}, where the clients are OpenAI clients that
 * read that shape.
 */
public final class Problems {

    public static final String PROBLEM_JSON = Problem.MEDIA_TYPE;
    /** OpenAI error bodies are written here, so {@code "param": null} stays whatever the REST mapper does. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {}

    /**
     * A problem of the platform's error contract ({@link Problem}) with {@code type} {@code about:blank}, the status'
     * reason as {@code title}, and extension members.
     */
    public static Response problem(int status, String detail, String instance, Map<String, Object> extensions) {
        Response.Status known = Response.Status.fromStatusCode(status);
        Problem problem = new Problem(
                Problem.ABOUT_BLANK,
                known == null ? "HTTP " + status : known.getReasonPhrase(),
                status,
                detail,
                instance,
                Map.of());
        for (Map.Entry<String, Object> member : extensions.entrySet()) {
            problem = problem.with(member.getKey(), member.getValue());
        }
        return problem.toResponse();
    }

    /** An error in OpenAI's shape: {@code type} as OpenAI names the class of error, {@code code} more precisely. */
    public static Response openAiError(int status, String message, String type, String code) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", null);
        error.put("code", code);
        return Response.status(status)
                .type("application/json")
                .entity(bytes(Map.of("error", error)))
                .build();
    }

    private static byte[] bytes(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serializes", e);
        }
    }
}
