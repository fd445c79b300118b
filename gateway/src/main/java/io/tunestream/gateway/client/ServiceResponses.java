package io.tunestream.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.gateway.config.GatewayConfig;
import io.tunestream.gateway.rest.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a service's answer into the gateway's: the status, the body and the headers a client needs pass through; a
 * {@code Location} naming the service is rewritten to the gateway's route; an error that is not yet
 * {@code application/problem+json} becomes one that keeps the service's message, and one that is passes unchanged.
 */
@ApplicationScoped
public class ServiceResponses {

    /** Response headers a client of the gateway needs; hop-by-hop and server-internal headers stay behind. */
    static final List<String> RELAYED_HEADERS = List.of(
            "Location",
            "X-Checksum-SHA256",
            "Content-Disposition",
            "Cache-Control",
            "ETag",
            "Last-Modified",
            "Retry-After");
    /** The gateway's prefix for the services' REST routes; the OpenAI routes keep their {@code /v1}. */
    public static final String API_PREFIX = "/api/v1";

    private final GatewayConfig config;
    private final ObjectMapper json;

    public ServiceResponses(GatewayConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    /** A complete answer (status, content type, relayed headers, body) as the gateway's response. */
    public Response relay(
            Service service,
            int status,
            String contentType,
            Map<String, String> headers,
            byte[] body,
            UriInfo request) {
        if (status >= 400 && !isOpenAiRoute(request)) {
            return problem(service, status, contentType, body, request);
        }
        Response.ResponseBuilder response = Response.status(status);
        if (contentType != null) {
            response.type(contentType);
        }
        relayHeaders(service, headers, request, response);
        if (body != null && body.length > 0) {
            response.entity(body);
        }
        return response.build();
    }

    void relayHeaders(
            Service service, Map<String, String> headers, UriInfo request, Response.ResponseBuilder response) {
        headers.forEach((name, value) -> {
            if (name.equalsIgnoreCase("Location")) {
                response.header("Location", gatewayLocation(service, value, request));
            } else {
                response.header(name, value);
            }
        });
    }

    /**
     * A service's error as problem+json. A body that already is problem+json is the service's own word and passes
     * unchanged; any other body (a JSON object with {@code message}, {@code detail} or {@code error}, or text) gives
     * its message as {@code detail}. Either way {@code service} says who answered.
     */
    Response problem(Service service, int status, String contentType, byte[] body, UriInfo request) {
        if (contentType != null && contentType.toLowerCase().startsWith(Problems.PROBLEM_JSON)) {
            return Response.status(status)
                    .type(Problems.PROBLEM_JSON)
                    .entity(body == null ? new byte[0] : body)
                    .build();
        }
        String detail = message(body)
                .orElse("the " + service.displayName() + " answered HTTP " + status + " without a message");
        return Problems.problem(
                status, detail, request.getRequestUri().getRawPath(), Map.of("service", service.displayName()));
    }

    private Optional<String> message(byte[] body) {
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        String text = new String(body, StandardCharsets.UTF_8).trim();
        try {
            JsonNode node = json.readTree(text);
            for (String field : List.of("detail", "message", "error")) {
                JsonNode value = node.path(field);
                if (value.isTextual()) {
                    return Optional.of(value.asText());
                }
                if (value.isObject() && value.path("message").isTextual()) {
                    return Optional.of(value.path("message").asText());
                }
            }
        } catch (IOException notJson) {
            // Plain text: the text is the message.
        }
        return Optional.of(text);
    }

    /** The service's {@code Location} as the gateway route that reaches the same resource. */
    String gatewayLocation(Service service, String location, UriInfo request) {
        URI target = URI.create(location);
        String path = target.getRawPath();
        URI base = config.services().get(service.configKey());
        if (target.isAbsolute() && (base == null || !sameOrigin(target, base))) {
            return location;
        }
        String prefix = service == Service.GENERATION ? "" : API_PREFIX;
        String query = target.getRawQuery() == null ? "" : "?" + target.getRawQuery();
        URI gatewayBase = request.getBaseUri();
        return gatewayBase.getScheme() + "://" + gatewayBase.getRawAuthority() + prefix + path + query;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
    }

    static boolean isOpenAiRoute(UriInfo request) {
        return request.getRequestUri().getRawPath().startsWith("/v1/");
    }
}
