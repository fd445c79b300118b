package io.tunestream.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.tunestream.gateway.ApiKey;
import io.tunestream.gateway.Scope;
import io.tunestream.gateway.service.ApiKeyService;
import io.tunestream.platform.rest.StrictBody;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The gateway's own resource: API keys, managed with the {@code admin} scope. */
@Path("/api/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "keys")
public class ApiKeyResource {

    private final ApiKeyService keys;

    @Context
    UriInfo uri;

    public ApiKeyResource(ApiKeyService keys) {
        this.keys = keys;
    }

    /** A key to create. {@code expiresAt}, {@code requestsPerSecond} and {@code tokensPerMinute} are optional. */
    public record CreateKeyRequest(
            String name, List<String> scopes, Instant expiresAt, Double requestsPerSecond, Long tokensPerMinute) {}

    /** A key as listed: never the key itself, which is shown once, in {@link CreatedKeyResponse}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record KeyResponse(
            long id,
            String name,
            String prefix,
            List<String> scopes,
            Instant createdAt,
            Instant lastUsedAt,
            Instant expiresAt,
            Instant revokedAt,
            Double requestsPerSecond,
            Long tokensPerMinute) {

        static KeyResponse of(ApiKey key) {
            return new KeyResponse(
                    key.id,
                    key.name,
                    key.prefix,
                    key.scopeSet().stream().map(Scope::role).toList(),
                    key.createdAt,
                    key.lastUsedAt,
                    key.expiresAt,
                    key.revokedAt,
                    key.requestsPerSecond,
                    key.tokensPerMinute);
        }
    }

    /** A key just created, with the token: store it now, it cannot be shown again. */
    public record CreatedKeyResponse(String key, KeyResponse details) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scope.ADMIN_ROLE)
    @Operation(
            summary = "Create a key: {\"name\", \"scopes\": [read, write, admin, inference], \"expiresAt\"?, "
                    + "\"requestsPerSecond\"?, \"tokensPerMinute\"?}; the answer holds the key, shown this once")
    @CustomDeserialization(StrictBody.class)
    public Response create(CreateKeyRequest request) {
        if (request == null) {
            throw new BadRequestException("a body is required: {\"name\", \"scopes\"}");
        }
        if (request.name() == null || request.name().isBlank() || request.name().length() > 100) {
            throw new BadRequestException("name: 1 to 100 characters required");
        }
        if (request.scopes() == null || request.scopes().isEmpty()) {
            throw new BadRequestException("scopes: at least one of read, write, admin, inference required");
        }
        if (request.requestsPerSecond() != null && !(request.requestsPerSecond() > 0)) {
            throw new BadRequestException("requestsPerSecond: must be positive, got " + request.requestsPerSecond());
        }
        if (request.tokensPerMinute() != null && request.tokensPerMinute() <= 0) {
            throw new BadRequestException("tokensPerMinute: must be positive, got " + request.tokensPerMinute());
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        ApiKeyService.CreatedKey created;
        try {
            for (String scope : request.scopes()) {
                scopes.add(Scope.parse(scope));
            }
            created = keys.create(
                    request.name().trim(),
                    scopes,
                    request.expiresAt(),
                    request.requestsPerSecond(),
                    request.tokensPerMinute());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        return Response.created(uri.getAbsolutePathBuilder()
                        .path(String.valueOf(created.key().id))
                        .build())
                .entity(new CreatedKeyResponse(created.token(), KeyResponse.of(created.key())))
                .build();
    }

    @GET
    @RolesAllowed(Scope.ADMIN_ROLE)
    @Operation(summary = "List keys, newest first (never the keys themselves)")
    public List<KeyResponse> list() {
        return keys.list().stream().map(KeyResponse::of).toList();
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Scope.ADMIN_ROLE)
    @Operation(summary = "Revoke a key; its next request is refused")
    public KeyResponse revoke(@PathParam("id") long id) {
        return keys.revoke(id).map(KeyResponse::of).orElseThrow(() -> new NotFoundException("no API key " + id));
    }
}
