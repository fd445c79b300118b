package io.tunestream.gateway.rest;

import io.quarkus.security.identity.SecurityIdentity;
import io.tunestream.gateway.Scope;
import io.tunestream.gateway.security.ApiKeyIdentityProvider;
import io.tunestream.gateway.service.ApiKeyService.KeyGrant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The calling key's own name and scopes, for any key: a client (the dashboard) offers only what the key may do. The
 * listing of all keys stays with {@code admin} ({@link ApiKeyResource}).
 */
@Path("/api/v1/keys/self")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "keys")
public class KeySelfResource {

    private final SecurityIdentity identity;

    public KeySelfResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The caller's key: its id, name and scopes (never the key). */
    public record SelfResponse(long id, String name, List<String> scopes) {}

    @GET
    @RolesAllowed({Scope.READ_ROLE, Scope.WRITE_ROLE, Scope.ADMIN_ROLE, Scope.INFERENCE_ROLE})
    @Operation(summary = "The calling key's name and scopes; any scope may ask")
    public SelfResponse self() {
        KeyGrant key = identity.getAttribute(ApiKeyIdentityProvider.GRANT_ATTRIBUTE);
        return new SelfResponse(
                key.id(), key.name(), key.scopes().stream().map(Scope::role).toList());
    }
}
