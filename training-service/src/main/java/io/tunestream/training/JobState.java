package io.tunestream.training;

/** Where a training job is in its life; SUCCEEDED, FAILED and CANCELLED are final. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
