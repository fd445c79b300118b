package io.tunestream.generation.messaging;

/** The service's messaging channels; their topics are set in application.properties. */
public final class Channels {

    /** {@code tunestream.prompts}, consumed in batches by one consumer group shared by every replica. */
    public static final String PROMPTS = "prompts";
    /** {@code tunestream.model-versions}, read from the beginning by every replica (a group of its own). */
    public static final String MODEL_VERSIONS = "model-versions";
    /** {@code tunestream.generations}: CloudEvents in binary mode, built by {@code CloudEventsKafka}. */
    public static final String GENERATIONS = "generations";

    private Channels() {
    }
}
