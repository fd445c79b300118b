package io.tunestream.training.service;

/** The request conflicts with the job's state (e.g. cancelling a job that already succeeded). */
public class JobConflictException extends RuntimeException {

    public JobConflictException(String message) {
        super(message);
    }
}
