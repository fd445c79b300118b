package io.tunestream.platform.problem;

/**
 * A request whose content is wrong: answered with 400 as a problem of type {@value ProblemResponses#INVALID_REQUEST}.
 * The message names the field and what is accepted.
 */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }

    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
