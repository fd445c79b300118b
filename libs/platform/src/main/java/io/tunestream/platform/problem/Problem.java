package io.tunestream.platform.problem;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import jakarta.ws.rs.core.Response;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one error body of every Tunestream REST API (the generation-service's OpenAI-compatible {@code /v1} routes
 * excepted): RFC 9457 problem details, sent as {@value #MEDIA_TYPE}.
 *
 * <p>{@code type} names the kind of problem ({@code about:blank} when the HTTP status says it all, then {@code title}
 * is the status's reason phrase), {@code detail} says what was wrong in this occurrence and what is accepted,
 * {@code instance} is the request's path. Located errors add extension members beside them ({@code line},
 * {@code field}, {@code errors}...), written at the top level as RFC 9457 asks.
 *
 * @param members the extension members in the order given; members whose value is null are left out
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "title", "status", "detail", "instance"})
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        @JsonIgnore Map<String, Object> members) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** The type of a problem that the HTTP status describes fully (RFC 9457 section 4.2.1). */
    public static final String ABOUT_BLANK = "about:blank";

    public Problem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem has an error status (4xx or 5xx), got " + status);
        }
        Map<String, Object> present = new LinkedHashMap<>();
        if (members != null) {
            members.forEach((name, value) -> {
                if (value != null) {
                    present.put(name, value);
                }
            });
        }
        members = Collections.unmodifiableMap(present);
    }

    /** A problem the HTTP status describes: type {@code about:blank}, the status's reason phrase as title. */
    public static Problem of(Response.StatusType status, String detail, String instance) {
        return new Problem(ABOUT_BLANK, status.getReasonPhrase(), status.getStatusCode(), detail, instance, Map.of());
    }

    /** This problem with one more extension member (left out when {@code value} is null). */
    public Problem with(String member, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(members);
        more.put(member, value);
        return new Problem(type, title, status, detail, instance, more);
    }

    /** Jackson writes the extension members beside the standard ones. */
    @JsonAnyGetter
    Map<String, Object> extensionMembers() {
        return members;
    }

    /** The HTTP response that carries this problem: its status, its media type, this body. */
    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
