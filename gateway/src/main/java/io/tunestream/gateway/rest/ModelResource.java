package io.tunestream.gateway.rest;

import io.tunestream.gateway.Scope;
import io.tunestream.gateway.client.RegistryRestClient;
import io.tunestream.gateway.client.Service;
import io.tunestream.gateway.client.ServiceCalls;
import io.tunestream.gateway.client.StreamingProxy;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The registry-service's models: versions, files, metrics, lineage and aliases with {@code read}; imports with
 * {@code write}; promotion, roll-back and the promotion policy, which decide what is served, with {@code admin}.
 */
@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "models")
public class ModelResource {

    /** A promote or roll-back without a body means "the defaults", which the registry reads from an empty object. */
    private static final String NO_OPTIONS = "{}";

    private final RegistryRestClient registry;
    private final ServiceCalls calls;
    private final StreamingProxy proxy;

    @Context
    UriInfo uri;

    @Context
    HttpHeaders headers;

    public ModelResource(@RestClient RegistryRestClient registry, ServiceCalls calls, StreamingProxy proxy) {
        this.registry = registry;
        this.calls = calls;
        this.proxy = proxy;
    }

    @POST
    @Path("{model}/import")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @RolesAllowed(Scope.WRITE_ROLE)
    @Operation(summary = "Import a checkpoint, one multipart part per file, streamed to the registry")
    public Response importFiles(@PathParam("model") String model, InputStream body) {
        String path = UriBuilder.fromPath("/models/{model}/import").build(model).getRawPath();
        return proxy.forward(Service.REGISTRY, "POST", path, headers, body, uri, StreamingProxy.StreamObserver.NONE);
    }

    @POST
    @Path("{model}/import")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scope.WRITE_ROLE)
    @Operation(summary = "Import a checkpoint from a directory the registry may read: {\"directory\": ...}")
    public Response importDirectory(@PathParam("model") String model, String body) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.importDirectory(model, body));
    }

    @GET
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "List models")
    public Response list() {
        return calls.relay(Service.REGISTRY, uri, registry::listModels);
    }

    @GET
    @Path("{model}")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "One model: policy, number of versions, aliases")
    public Response get(@PathParam("model") String model) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.getModel(model));
    }

    @GET
    @Path("{model}/versions")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "A model's versions")
    public Response versions(@PathParam("model") String model) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.versions(model));
    }

    @GET
    @Path("{model}/versions/{version}")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "One version")
    public Response version(@PathParam("model") String model, @PathParam("version") int version) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.version(model, version));
    }

    @GET
    @Path("{model}/versions/{version}/metrics")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "A version's evaluation metrics and promotion decision")
    public Response versionMetrics(@PathParam("model") String model, @PathParam("version") int version) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.versionMetrics(model, version));
    }

    @GET
    @Path("{model}/metrics")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "Every version's evaluation metrics")
    public Response modelMetrics(@PathParam("model") String model) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.modelMetrics(model));
    }

    @GET
    @Path("{model}/lineage")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "A model's lineage graph")
    public Response lineage(@PathParam("model") String model) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.lineage(model));
    }

    @GET
    @Path("{model}/versions/{version}/lineage")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "A version's lineage graph")
    public Response versionLineage(@PathParam("model") String model, @PathParam("version") int version) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.versionLineage(model, version));
    }

    @GET
    @Path("{model}/aliases")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "A model's aliases")
    public Response aliases(@PathParam("model") String model) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.aliases(model));
    }

    @GET
    @Path("{model}/aliases/{alias}")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "One alias")
    public Response alias(@PathParam("model") String model, @PathParam("alias") String alias) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.alias(model, alias));
    }

    @GET
    @Path("{model}/aliases/{alias}/history")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "An alias' moves")
    public Response aliasHistory(@PathParam("model") String model, @PathParam("alias") String alias) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.aliasHistory(model, alias));
    }

    @POST
    @Path("{model}/versions/{version}/promote")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @RolesAllowed(Scope.ADMIN_ROLE)
    @Operation(summary = "Move an alias (default production) to this version: {\"alias\", \"reason\"}, body optional")
    public Response promote(@PathParam("model") String model, @PathParam("version") int version, String body) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.promote(model, version, orDefaults(body)));
    }

    @POST
    @Path("{model}/rollback")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @RolesAllowed(Scope.ADMIN_ROLE)
    @Operation(summary = "Point production back at an earlier version: {\"version\", \"reason\"}, body optional")
    public Response rollback(@PathParam("model") String model, String body) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.rollback(model, orDefaults(body)));
    }

    @GET
    @Path("{model}/policy")
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "A model's promotion policy")
    public Response policy(@PathParam("model") String model) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.policy(model));
    }

    @PUT
    @Path("{model}/policy")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scope.ADMIN_ROLE)
    @Operation(summary = "Set a model's promotion policy")
    public Response putPolicy(@PathParam("model") String model, String body) {
        return calls.relay(Service.REGISTRY, uri, () -> registry.putPolicy(model, body));
    }

    @GET
    @Path("{model}/versions/{version}/files/{file: .+}")
    @Produces({MediaType.APPLICATION_OCTET_STREAM, MediaType.APPLICATION_JSON})
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "A version's file, streamed from object storage, with X-Checksum-SHA256")
    public Response file(
            @PathParam("model") String model, @PathParam("version") int version, @PathParam("file") String file) {
        String path = UriBuilder.fromPath("/models/{model}/versions/{version}/files/")
                        .build(model, version)
                        .getRawPath()
                + Arrays.stream(file.split("/"))
                        .map(segment ->
                                UriBuilder.fromPath("{segment}").build(segment).getRawPath())
                        .collect(Collectors.joining("/"));
        return proxy.forward(Service.REGISTRY, "GET", path, headers, null, uri, StreamingProxy.StreamObserver.NONE);
    }

    private static String orDefaults(String body) {
        return body == null || body.isBlank() ? NO_OPTIONS : body;
    }
}
