package io.tunestream.training.service;

import io.tunestream.platform.problem.ResourceNotFoundException;

/** No job has this id. */
public class JobNotFoundException extends ResourceNotFoundException {

    public JobNotFoundException(String jobId) {
        super("no training job '" + jobId + "'");
    }
}
