package io.tunestream.dataset.messaging;

/** The service's messaging channels; their topics are set in application.properties. */
public final class Channels {

    public static final String SAMPLES = "samples";
    public static final String GENERATIONS = "generations";
    public static final String MODEL_VERSIONS = "model-versions";
    public static final String PROMPTS = "prompts";
    public static final String DATASET_VERSIONS = "dataset-versions";

    private Channels() {
    }
}
