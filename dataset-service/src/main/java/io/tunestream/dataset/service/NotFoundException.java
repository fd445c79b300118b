package io.tunestream.dataset.service;

/** A named dataset, pipeline, version or file does not exist. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }
}
