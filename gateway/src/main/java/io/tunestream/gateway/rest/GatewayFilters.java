package io.tunestream.gateway.rest;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.tunestream.gateway.config.GatewayConfig;
import io.tunestream.gateway.security.ApiKeyIdentityProvider;
import io.tunestream.gateway.service.ApiKeyService.KeyGrant;
import io.tunestream.gateway.service.RateLimiter;
import io.tunestream.gateway.service.UsageMetrics;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Around every API route: refuses query parameters the route does not take (a silently ignored parameter reads as a
 * filter that was applied), admits the request under the key's request rate, and counts it per key and route.
 * Authentication itself is the {@link io.tunestream.gateway.security.ApiKeyAuthenticationMechanism}'s; which scope a
 * route needs is its {@code @RolesAllowed}.
 */
public class GatewayFilters {

    static final String KEY_PROPERTY = "tunestream.api-key";

    private final CurrentIdentityAssociation identities;
    private final RateLimiter limits;
    private final UsageMetrics usage;

    private final long maxJsonBodyBytes;

    public GatewayFilters(
            CurrentIdentityAssociation identities, RateLimiter limits, UsageMetrics usage, GatewayConfig config) {
        this.identities = identities;
        this.limits = limits;
        this.usage = usage;
        this.maxJsonBodyBytes = config.upstream().maxJsonBodyBytes();
    }

    @ServerRequestFilter
    public Uni<Void> admit(ContainerRequestContext request, SimpleResourceInfo resource) {
        return identities
                .getDeferredIdentity()
                .invoke(identity -> {
                    KeyGrant key = grant(identity);
                    if (key == null) {
                        return;
                    }
                    request.setProperty(KEY_PROPERTY, key);
                    Duration wait = limits.admitRequest(key);
                    if (!wait.isZero()) {
                        usage.rateLimited(key, "requests");
                        throw new RateLimitedException("the key's request rate is exceeded", wait);
                    }
                    Routes.Route route = Routes.of(resource);
                    for (String name : request.getUriInfo().getQueryParameters().keySet()) {
                        if (!route.queryParameters().contains(name)) {
                            throw new BadRequestException(
                                    "unknown query parameter '" + name + "' on " + request.getMethod() + " "
                                            + route.template() + "; accepted: " + accepted(route.queryParameters()));
                        }
                    }
                })
                .replaceWithVoid();
    }

    /**
     * A JSON body over {@link GatewayConfig.Upstream#maxJsonBodyBytes()} is refused with 413 from its
     * {@code Content-Length}, before it is read; uploads (which take JSON arrays too) stream to their service, which
     * applies its own limit.
     */
    @ServerRequestFilter
    public void limitRelayedBody(ContainerRequestContext request) {
        MediaType type = request.getMediaType();
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (type == null
                || length == null
                || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)
                || request.getUriInfo().getPath().endsWith("/uploads")) {
            return;
        }
        long bytes;
        try {
            bytes = Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return; // the HTTP server refuses a malformed Content-Length itself
        }
        if (bytes > maxJsonBodyBytes) {
            throw new WebApplicationException(
                    "the JSON body is " + bytes + " bytes; this route takes at most " + maxJsonBodyBytes,
                    Response.Status.REQUEST_ENTITY_TOO_LARGE);
        }
    }

    @ServerResponseFilter
    public void count(ContainerRequestContext request, ContainerResponseContext response, SimpleResourceInfo resource) {
        usage.request(
                (KeyGrant) request.getProperty(KEY_PROPERTY),
                request.getMethod(),
                Routes.of(resource).template(),
                response.getStatus());
    }

    private static KeyGrant grant(SecurityIdentity identity) {
        return identity == null || identity.isAnonymous()
                ? null
                : identity.getAttribute(ApiKeyIdentityProvider.GRANT_ATTRIBUTE);
    }

    private static String accepted(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
