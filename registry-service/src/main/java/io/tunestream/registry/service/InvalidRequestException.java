package io.tunestream.registry.service;

/** A request whose content is wrong (a checkpoint that does not validate, a negative margin): answered with 400. */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }

    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
