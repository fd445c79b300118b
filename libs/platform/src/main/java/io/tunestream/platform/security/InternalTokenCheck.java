package io.tunestream.platform.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.tunestream.platform.problem.Problem;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Refuses every HTTP request that does not carry the internal token ({@link InternalToken}) when the service is given
 * one: 401 with a problem+json body. A Vert.x filter, so it guards every route of the service (REST resources, SSE,
 * anything added later), not only JAX-RS ones; the non-application endpoints under {@code /q/} (health probes,
 * metrics, OpenAPI) stay open, as Kubernetes probes and scrapers do not hold the token. With no token configured it
 * installs nothing: a local service run alone, or a test, works as before.
 *
 * <p>The gateway, which sends the token rather than checking it, leaves this bean out
 * ({@code quarkus.arc.exclude-types}).
 */
@ApplicationScoped
public class InternalTokenCheck {

    private static final Logger LOG = Logger.getLogger(InternalTokenCheck.class);

    /** Before Quarkus' own handlers that run as filters (CORS, security) and before any route. */
    private static final int PRIORITY = 1000;

    private static final String NON_APPLICATION_PREFIX = "/q/";

    private final ObjectMapper json;

    public InternalTokenCheck(ObjectMapper json) {
        this.json = json;
    }

    void install(@Observes Filters filters) {
        Optional<String> token = InternalToken.configured();
        if (token.isEmpty()) {
            LOG.infof(
                    "No internal token (%s): requests are not checked; keep this service's port off any network"
                            + " that clients reach",
                    InternalToken.PROPERTY);
            return;
        }
        String expected = token.get();
        filters.register(request -> check(request, expected), PRIORITY);
        LOG.infof("Requests outside %s must carry %s", NON_APPLICATION_PREFIX, InternalToken.HEADER);
    }

    private void check(RoutingContext request, String expected) {
        String path = request.normalizedPath();
        if (path.startsWith(NON_APPLICATION_PREFIX) || path.equals("/q")) {
            request.next();
            return;
        }
        String presented = request.request().getHeader(InternalToken.HEADER);
        if (InternalToken.matches(expected, presented)) {
            request.next();
            return;
        }
        String detail = presented == null
                ? "this service answers only the gateway: the request has no " + InternalToken.HEADER + " header"
                : "this service answers only the gateway: the " + InternalToken.HEADER + " header does not match";
        refuse(request, Problem.of(Response.Status.UNAUTHORIZED, detail, path));
    }

    private void refuse(RoutingContext request, Problem problem) {
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + problem, e);
        }
        request.response()
                .setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                // RFC 9110 asks a 401 to name how to authenticate: with the internal token, which the gateway holds.
                .putHeader(HttpHeaders.WWW_AUTHENTICATE, "Tunestream-Internal-Token")
                .end(body);
    }
}
