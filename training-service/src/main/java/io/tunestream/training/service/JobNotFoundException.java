package io.tunestream.training.service;

/** No job has this id. */
public class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(String jobId) {
        super("no training job '" + jobId + "'");
    }
}
