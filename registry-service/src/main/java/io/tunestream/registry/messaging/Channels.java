package io.tunestream.registry.messaging;

/** The service's messaging channels; their topics are set in application.properties. */
public final class Channels {

    /** {@code tunestream.trained-models}: one consumer group shared by every replica, poison records to its DLQ. */
    public static final String TRAINED_MODELS = "trained-models";
    /** {@code tunestream.model-versions}: CloudEvents in binary mode, built by {@code CloudEventsKafka}, sent by the outbox relay. */
    public static final String MODEL_VERSIONS = "model-versions";

    private Channels() {
    }
}
