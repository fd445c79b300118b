package io.tunestream.registry;

/** How a version came into the registry. */
public enum VersionOrigin {
    /** A Hugging Face checkpoint brought by a user (upload or server directory). */
    IMPORTED,
    /** The merged model of a training job, from {@code tunestream.trained-models}. */
    TRAINED
}
