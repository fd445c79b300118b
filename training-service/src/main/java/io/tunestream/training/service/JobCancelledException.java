package io.tunestream.training.service;

/** Thrown from the progress listener to stop training at the step boundary when the job was cancelled or its lease lost. */
public class JobCancelledException extends RuntimeException {

    public JobCancelledException(String message) {
        super(message);
    }
}
