package io.tunestream.training.service;

/** A job submission or dataset-version event that can never become a runnable job; the message says why. */
public class InvalidJobException extends RuntimeException {

    public InvalidJobException(String message) {
        super(message);
    }
}
