package io.tunestream.training;

/** How a job came to be: from a {@code tunestream.dataset-versions} event, or submitted over REST. */
public enum JobOrigin {
    DATASET_VERSION,
    REST
}
