package io.tunestream.platform.problem;

/**
 * A named thing the request asks for does not exist (a dataset, a job, a model version, a file): answered with 404 as
 * a problem of type {@value ProblemResponses#NOT_FOUND}. The message names what was looked for.
 *
 * <p>Named apart from JAX-RS's {@code jakarta.ws.rs.NotFoundException}, which stands for an unknown route.
 */
public class ResourceNotFoundException extends RuntimeException {

    public ResourceNotFoundException(String message) {
        super(message);
    }
}
