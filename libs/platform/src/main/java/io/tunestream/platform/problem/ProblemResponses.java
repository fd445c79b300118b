package io.tunestream.platform.problem;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.jboss.logging.Logger;

/**
 * How each kind of failure becomes a {@link Problem}: used by {@link ProblemMappers} and by a service whose own mapper
 * must decide per route (the generation-service answers {@code /v1} in OpenAI's shape and everything else with these).
 */
public final class ProblemResponses {

    public static final String NOT_FOUND = "urn:tunestream:problem:not-found";
    public static final String CONFLICT = "urn:tunestream:problem:conflict";
    public static final String INVALID_REQUEST = "urn:tunestream:problem:invalid-request";
    public static final String CONSTRAINT_VIOLATION = "urn:tunestream:problem:constraint-violation";
    public static final String UNREADABLE_BODY = "urn:tunestream:problem:unreadable-body";

    /**
     * The detail of every server-side failure. The exception itself goes to the service's log only: its class and
     * message describe the code, not the request, and may carry internals (paths, SQL, hosts).
     */
    public static final String SERVER_ERROR_DETAIL =
            "the request failed on the server; the service's log has the cause";

    private static final Logger LOG = Logger.getLogger(ProblemResponses.class);

    /** The value in a {@link NumberFormatException}'s message: {@code For input string: "abc"}. */
    private static final Pattern NUMBER_INPUT = Pattern.compile("input string: \"(.*)\"");

    private ProblemResponses() {}

    public static Response notFound(ResourceNotFoundException e, String instance) {
        return new Problem(NOT_FOUND, "Resource not found", 404, e.getMessage(), instance, Map.of()).toResponse();
    }

    public static Response conflict(ConflictException e, String instance) {
        return new Problem(CONFLICT, "Conflict with the current state", 409, e.getMessage(), instance, Map.of())
                .toResponse();
    }

    public static Response invalidRequest(InvalidRequestException e, String instance) {
        return invalidRequest(e.getMessage(), instance).toResponse();
    }

    /** The problem of a rejected request, for a service that adds located members (a line, a field) to it. */
    public static Problem invalidRequest(String detail, String instance) {
        return new Problem(INVALID_REQUEST, "Invalid request", 400, detail, instance, Map.of());
    }

    /** Bean validation's verdict: {@code errors} lists each violation as {@code {field, message}}, in field order. */
    public static Response constraintViolation(ConstraintViolationException e, String instance) {
        List<Map<String, String>> errors = e.getConstraintViolations().stream()
                .map(violation -> Map.of("field", field(violation), "message", violation.getMessage()))
                .sorted(Comparator.comparing((Map<String, String> error) -> error.get("field"))
                        .thenComparing(error -> error.get("message")))
                .toList();
        String detail = errors.size() == 1 ? "1 field is invalid" : errors.size() + " fields are invalid";
        return new Problem(CONSTRAINT_VIOLATION, "Invalid fields", 400, detail + ": see errors", instance, Map.of())
                .with("errors", errors)
                .toResponse();
    }

    /**
     * A body that is not JSON, or not JSON of the expected shape: where the reader stopped ({@code line},
     * {@code column}, {@code field}) and what the field takes. Jackson's own message about a value of the wrong type
     * names the Java type it was bound to, so that case is told in JSON's words instead.
     */
    public static Response unreadableBody(JsonProcessingException e, String instance) {
        String field =
                e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                        ? mapping.getPath().stream()
                                .map(reference -> reference.getFieldName() != null
                                        ? reference.getFieldName()
                                        : "[" + reference.getIndex() + "]")
                                .collect(Collectors.joining("."))
                                .replace(".[", "[")
                        : null;
        String detail;
        if (e instanceof UnrecognizedPropertyException unknown) {
            detail = "field '" + field + "' is not one this endpoint takes; it takes "
                    + unknown.getKnownPropertyIds().stream()
                            .map(String::valueOf)
                            .sorted()
                            .collect(Collectors.joining(", "));
        } else if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            detail = (field == null ? "the body" : "field '" + field + "'") + " must be "
                    + jsonKind(mismatch.getTargetType());
        } else {
            detail = e.getOriginalMessage();
        }
        Problem problem = new Problem(
                UNREADABLE_BODY,
                "Unreadable body",
                400,
                "the body is not valid JSON for this endpoint: " + detail,
                instance,
                Map.of());
        JsonLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            problem = problem.with("line", location.getLineNr()).with("column", location.getColumnNr());
        }
        return problem.with("field", field).toResponse();
    }

    private static String jsonKind(Class<?> type) {
        if (Number.class.isAssignableFrom(type)
                || (type.isPrimitive() && type != boolean.class && type != char.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(type)
                || type.isEnum()
                || type == char.class
                || type == Character.class) {
            return "a string";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    /**
     * A JAX-RS exception (an unknown route, a method or media type the route does not take...) with its status and
     * headers ({@code Allow}, {@code Retry-After}); a server-side one is logged and described as any failure is.
     */
    public static Response web(WebApplicationException e, String method, String instance) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            // Quarkus REST wraps a body Jackson could not parse (not JSON at all) in a bare 400.
            return unreadableBody(unreadable, instance);
        }
        if (e.getCause() instanceof IllegalArgumentException unconvertible
                && (status.getStatusCode() == 404 || status.getStatusCode() == 400)) {
            return unconvertibleParameter(unconvertible, instance);
        }
        if (status.getStatusCode() < 400) {
            // A redirect or success raised as an exception is an answer, not a problem.
            return e.getResponse();
        }
        String detail = e.getMessage();
        if (status.getStatusCode() >= 500) {
            logFailure(e, method, instance);
            detail = SERVER_ERROR_DETAIL;
        }
        Problem problem = new Problem(
                Problem.ABOUT_BLANK, reasonPhrase(status), status.getStatusCode(), detail, instance, Map.of());
        return Response.fromResponse(e.getResponse())
                .type(Problem.MEDIA_TYPE)
                .entity(problem)
                .build();
    }

    /**
     * A path or query parameter whose value does not convert to the parameter's type ({@code /versions/abc},
     * {@code ?limit=-x}): Quarkus REST raises a bare 404 (as JAX-RS asks for path and query parameters) whose message
     * says neither which value nor what was expected. Answered 400 quoting the value, as a number is the one
     * conversion the services' parameters make.
     */
    private static Response unconvertibleParameter(IllegalArgumentException e, String instance) {
        String detail;
        Matcher input = NUMBER_INPUT.matcher(String.valueOf(e.getMessage()));
        if (e instanceof NumberFormatException && input.find()) {
            detail = "a path or query parameter must be a whole number in range, got '" + input.group(1) + "'";
        } else {
            detail = "a path or query parameter has a value this route does not take";
        }
        return new Problem(INVALID_REQUEST, "Invalid request", 400, detail, instance, Map.of()).toResponse();
    }

    /** Anything else: logged with its stack, answered with a 500 that names no class and quotes no message. */
    public static Response unexpected(Throwable e, String method, String instance) {
        logFailure(e, method, instance);
        return Problem.of(Response.Status.INTERNAL_SERVER_ERROR, SERVER_ERROR_DETAIL, instance)
                .toResponse();
    }

    /** Where a server-side failure is told in full: the service's log, with the request and the stack. */
    public static void logFailure(Throwable e, String method, String instance) {
        LOG.errorf(e, "%s %s failed", method, instance);
    }

    private static String reasonPhrase(Response.StatusType status) {
        if (status.getReasonPhrase() != null && !status.getReasonPhrase().isBlank()) {
            return status.getReasonPhrase();
        }
        Response.Status known = Response.Status.fromStatusCode(status.getStatusCode());
        return known != null ? known.getReasonPhrase() : "HTTP " + status.getStatusCode();
    }

    /** The violated property as the client wrote it: {@code create.request.name} becomes {@code request.name}. */
    private static String field(ConstraintViolation<?> violation) {
        String field = StreamSupport.stream(violation.getPropertyPath().spliterator(), false)
                .filter(node -> node.getKind() != ElementKind.METHOD
                        && node.getKind() != ElementKind.CONSTRUCTOR
                        && node.getKind() != ElementKind.CROSS_PARAMETER
                        && node.getKind() != ElementKind.RETURN_VALUE)
                .map(ProblemResponses::nodeName)
                .collect(Collectors.joining("."));
        return field.isEmpty() ? violation.getPropertyPath().toString() : field;
    }

    private static String nodeName(Path.Node node) {
        return node.getIndex() != null
                ? node.getName() + "[" + node.getIndex() + "]"
                : node.getKey() != null ? node.getName() + "[" + node.getKey() + "]" : node.getName();
    }
}
