package io.tunestream.training.rest;

import io.tunestream.training.rest.JobDtos.ErrorResponse;
import io.tunestream.training.service.InvalidJobException;
import io.tunestream.training.service.JobConflictException;
import io.tunestream.training.service.JobNotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error as JSON ({@link ErrorResponse}): 404 unknown job, 409 conflict, 400 invalid, 500 otherwise. */
public class JobExceptionMappers {

    private static final Logger LOG = Logger.getLogger(JobExceptionMappers.class);

    @ServerExceptionMapper
    public Response notFound(JobNotFoundException e) {
        return error(Response.Status.NOT_FOUND.getStatusCode(), "Not Found", e.getMessage());
    }

    @ServerExceptionMapper
    public Response conflict(JobConflictException e) {
        return error(Response.Status.CONFLICT.getStatusCode(), "Conflict", e.getMessage());
    }

    @ServerExceptionMapper
    public Response invalid(InvalidJobException e) {
        return error(Response.Status.BAD_REQUEST.getStatusCode(), "Bad Request", e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return error(status.getStatusCode(), status.getReasonPhrase(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("request failed", e);
        return error(500, "Internal Server Error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    private static Response error(int status, String reason, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorResponse(status, reason, message)).build();
    }
}
