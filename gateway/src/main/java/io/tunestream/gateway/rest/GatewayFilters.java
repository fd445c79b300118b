package io.tunestream.gateway.rest;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.tunestream.gateway.security.ApiKeyIdentityProvider;
import io.tunestream.gateway.service.ApiKeyService.KeyGrant;
import io.tunestream.gateway.service.RateLimiter;
import io.tunestream.gateway.service.UsageMetrics;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
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

    public GatewayFilters(CurrentIdentityAssociation identities, RateLimiter limits, UsageMetrics usage) {
        this.identities = identities;
        this.limits = limits;
        this.usage = usage;
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
