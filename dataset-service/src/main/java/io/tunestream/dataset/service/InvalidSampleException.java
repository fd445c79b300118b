package io.tunestream.dataset.service;

/** A sample that cannot be stored; the message says which field is wrong and what is accepted. */
public class InvalidSampleException extends RuntimeException {

    public InvalidSampleException(String message) {
        super(message);
    }
}
