package io.tunestream.dataset.service;

/** A request whose fields are wrong; the message names the field and what is accepted. */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
