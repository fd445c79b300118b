package io.tunestream.dataset.service;

/** The request contradicts what exists, e.g. a second dataset of the same name, or nothing new to seal. */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
