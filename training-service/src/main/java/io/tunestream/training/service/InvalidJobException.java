package io.tunestream.training.service;

import io.tunestream.platform.problem.InvalidRequestException;

/** A job submission or dataset-version event that can never become a runnable job; the message says why. */
public class InvalidJobException extends InvalidRequestException {

    public InvalidJobException(String message) {
        super(message);
    }
}
