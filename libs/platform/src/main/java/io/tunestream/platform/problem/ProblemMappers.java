package io.tunestream.platform.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The error contract of every service's REST API: each failure becomes a {@link Problem}, {@code instance} being the
 * request's path. Found by Quarkus REST in this jar's index, so a service gets them by depending on the platform.
 *
 * <p>They rank below a service's own mappers ({@link #DEFAULTS}) so that a service can still answer one exception its
 * own way: the dataset-service adds the located errors of a rejected upload, the generation-service keeps OpenAI's
 * shape on {@code /v1}.
 *
 * <p>Written here rather than taken from the Quarkiverse {@code quarkus-resteasy-problem} extension (3.21.0): its
 * validation mapper answers {@code violations} [{field, in, message}] where the contract is {@code errors}
 * [{field, message}], and its global mappers of {@code Throwable}, {@code WebApplicationException} and Jackson's
 * exceptions would compete with the generation-service's OpenAI mappers on every route, while the whole contract is
 * these few methods.
 */
public class ProblemMappers {

    /**
     * After a service's own mappers of the same exception (default priority {@link Priorities#USER}), before the ones
     * Quarkus REST brings (its mapper of Jackson's {@code MismatchedInputException} ranks {@code USER + 100}).
     */
    public static final int DEFAULTS = Priorities.USER + 50;

    @ServerExceptionMapper(priority = DEFAULTS)
    public Response notFound(ResourceNotFoundException e, HttpServerRequest request) {
        return ProblemResponses.notFound(e, request.path());
    }

    @ServerExceptionMapper(priority = DEFAULTS)
    public Response conflict(ConflictException e, HttpServerRequest request) {
        return ProblemResponses.conflict(e, request.path());
    }

    @ServerExceptionMapper(priority = DEFAULTS)
    public Response invalidRequest(InvalidRequestException e, HttpServerRequest request) {
        return ProblemResponses.invalidRequest(e, request.path());
    }

    @ServerExceptionMapper(priority = DEFAULTS)
    public Response constraintViolation(ConstraintViolationException e, HttpServerRequest request) {
        return ProblemResponses.constraintViolation(e, request.path());
    }

    @ServerExceptionMapper(priority = DEFAULTS)
    public Response unreadableBody(JsonProcessingException e, HttpServerRequest request) {
        return ProblemResponses.unreadableBody(e, request.path());
    }

    /** Named apart from its supertype above: Quarkus REST has a mapper of its own for exactly this one. */
    @ServerExceptionMapper(priority = DEFAULTS)
    public Response mismatchedBody(MismatchedInputException e, HttpServerRequest request) {
        return ProblemResponses.unreadableBody(e, request.path());
    }

    @ServerExceptionMapper(priority = DEFAULTS)
    public Response web(WebApplicationException e, HttpServerRequest request) {
        return ProblemResponses.web(e, request.method().name(), request.path());
    }

    @ServerExceptionMapper(priority = DEFAULTS)
    public Response unexpected(Exception e, HttpServerRequest request) {
        return ProblemResponses.unexpected(e, request.method().name(), request.path());
    }
}
