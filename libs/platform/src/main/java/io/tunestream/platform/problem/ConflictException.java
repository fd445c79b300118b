package io.tunestream.platform.problem;

/**
 * The request contradicts what exists (a second model of the same name, a job that already finished, nothing new to
 * seal): answered with 409 as a problem of type {@value ProblemResponses#CONFLICT}. The message says what is in the way.
 */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
