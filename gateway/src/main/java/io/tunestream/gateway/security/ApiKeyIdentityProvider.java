package io.tunestream.gateway.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.tunestream.gateway.Scope;
import io.tunestream.gateway.service.ApiKeyService;
import io.tunestream.gateway.service.ApiKeyService.KeyGrant;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Turns a valid API key into an identity whose roles are the key's scopes. */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    /** The identity attribute holding the {@link KeyGrant}, for rate limits and usage metrics. */
    public static final String GRANT_ATTRIBUTE = "tunestream.api-key";

    private final ApiKeyService keys;

    public ApiKeyIdentityProvider(ApiKeyService keys) {
        this.keys = keys;
    }

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            ApiKeyAuthenticationRequest request, AuthenticationRequestContext context) {
        // A key verified lately is answered on the spot; otherwise the lookup is a database query, which runs on a
        // worker thread, never on the event loop.
        Optional<KeyGrant> cached = keys.authenticateFromCache(request.token());
        if (cached.isPresent()) {
            return Uni.createFrom().item(identity(cached.get()));
        }
        return context.runBlocking(() -> keys.authenticate(request.token())
                .map(ApiKeyIdentityProvider::identity)
                .orElseThrow(() -> new AuthenticationFailedException("unknown, revoked or expired API key")));
    }

    private static SecurityIdentity identity(KeyGrant grant) {
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(grant.name()))
                .addAttribute(GRANT_ATTRIBUTE, grant);
        grant.scopes().stream().map(Scope::role).forEach(identity::addRole);
        return identity.build();
    }
}
