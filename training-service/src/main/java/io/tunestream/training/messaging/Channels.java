package io.tunestream.training.messaging;

/** The service's messaging channels; their topics are set in application.properties. */
public final class Channels {

    /** {@code tunestream.dataset-versions}: one consumer group for every replica, poison records to its DLQ. */
    public static final String DATASET_VERSIONS = "dataset-versions";
    /** {@code tunestream.model-versions}: where base models are; one consumer group, poison records to its DLQ. */
    public static final String MODEL_VERSIONS = "model-versions";
    /** {@code tunestream.trained-models}: CloudEvents in binary mode, built by {@code CloudEventsKafka}. */
    public static final String TRAINED_MODELS = "trained-models";

    private Channels() {
    }
}
