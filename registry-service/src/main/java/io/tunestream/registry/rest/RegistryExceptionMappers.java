package io.tunestream.registry.rest;

import io.tunestream.registry.rest.RegistryDtos.ErrorResponse;
import io.tunestream.registry.service.InvalidRequestException;
import io.tunestream.registry.service.RegistryConflictException;
import io.tunestream.registry.service.RegistryNotFoundException;
import io.tunestream.registry.storage.ArtifactRejectedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error as JSON ({@link ErrorResponse}): 404 unknown, 409 conflict, 400 invalid, 500 with a message otherwise. */
public class RegistryExceptionMappers {

    private static final Logger LOG = Logger.getLogger(RegistryExceptionMappers.class);

    @ServerExceptionMapper
    public Response notFound(RegistryNotFoundException e) {
        return error(Response.Status.NOT_FOUND, e.getMessage());
    }

    @ServerExceptionMapper
    public Response conflict(RegistryConflictException e) {
        return error(Response.Status.CONFLICT, e.getMessage());
    }

    @ServerExceptionMapper
    public Response artifactConflict(ArtifactRejectedException e) {
        return error(Response.Status.CONFLICT, e.getMessage());
    }

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return error(Response.Status.BAD_REQUEST, e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return error(status.getStatusCode(), status.getReasonPhrase(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("request failed", e);
        return error(Response.Status.INTERNAL_SERVER_ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    static Response error(Response.Status status, String message) {
        return error(status.getStatusCode(), status.getReasonPhrase(), message);
    }

    private static Response error(int status, String reason, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorResponse(status, reason, message)).build();
    }
}
