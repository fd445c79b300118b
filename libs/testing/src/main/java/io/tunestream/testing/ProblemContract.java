package io.tunestream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The checks of the error contract every service's REST API keeps: RFC 9457 problem details
 * ({@code io.tunestream.platform.problem.Problem}). Each service's contract test sends requests that fail and hands
 * the responses to these; {@link ProblemProbeResource} gives every service a route that fails unexpectedly.
 */
public final class ProblemContract {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** The members every problem body has, whatever the service and the failure. */
    public static final List<String> MEMBERS = List.of("type", "title", "status", "detail", "instance");

    /** A fully qualified Java name ({@code io.tunestream.x.Y}, {@code java.lang.IllegalStateException}). */
    private static final Pattern QUALIFIED_CLASS_NAME = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z]\\w*");

    /** A simple class name of an exception or error ({@code IllegalStateException}, {@code OutOfMemoryError}). */
    private static final Pattern THROWABLE_NAME = Pattern.compile("\\b[A-Z]\\w*(?:Exception|Error)\\b");

    private ProblemContract() {}

    /**
     * Asserts the response is a problem of this status: the media type, every standard member, {@code status} equal
     * to the HTTP status and {@code instance} equal to the request's path.
     *
     * @return the body, for the checks of what the service says and where
     */
    public static JsonPath assertProblem(Response response, int status, String path) {
        assertEquals(status, response.statusCode(), () -> "HTTP status of " + response.asString());
        String contentType = response.contentType();
        assertTrue(
                contentType != null && contentType.startsWith(MEDIA_TYPE),
                () -> "content type " + contentType + " of " + response.asString());
        JsonPath body = response.jsonPath();
        Map<String, Object> members = body.getMap("$");
        assertTrue(
                members.keySet().containsAll(MEMBERS),
                () -> "members " + members.keySet() + " lack some of " + MEMBERS);
        MEMBERS.forEach(member -> assertNotNull(members.get(member), () -> member + " in " + members));
        assertEquals(status, body.getInt("status"), "the status member is the HTTP status");
        assertEquals(path, body.getString("instance"), "the instance member is the request's path");
        return body;
    }

    /**
     * Asserts a server-side failure is a 500 problem that tells the client nothing about the code: no class name,
     * nothing of the exception's message (the probe's message names a class and a secret).
     */
    public static JsonPath assertServerFailure(Response response, String path) {
        JsonPath body = assertProblem(response, 500, path);
        String text = response.asString();
        assertFalse(QUALIFIED_CLASS_NAME.matcher(text).find(), () -> "a Java class name in " + text);
        assertFalse(THROWABLE_NAME.matcher(text).find(), () -> "an exception's name in " + text);
        assertFalse(text.contains(ProblemProbeResource.SECRET), () -> "the exception's message in " + text);
        return body;
    }
}
