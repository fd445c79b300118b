package io.tunestream.events;

/**
 * The SmallRye Reactive Messaging channel of each {@link Topic}, named by the topic's suffix, for
 * {@code @Incoming}/{@code @Channel} annotations (which need compile-time constants, hence strings beside the enum).
 *
 * <p>Every service sets a channel's topic, and for an incoming channel its dead-letter topic, from the one prefix key
 * {@value Topic#PREFIX_KEY}: {@code mp.messaging.incoming.samples.topic=${tunestream.topic-prefix}.samples} and
 * {@code mp.messaging.incoming.samples.dead-letter-queue.topic=${tunestream.topic-prefix}.samples.dlq}.
 */
public final class Channels {

    public static final String SAMPLES = "samples";
    public static final String PROMPTS = "prompts";
    public static final String GENERATIONS = "generations";
    public static final String DATASET_VERSIONS = "dataset-versions";
    public static final String TRAINED_MODELS = "trained-models";
    public static final String MODEL_VERSIONS = "model-versions";

    private Channels() {}
}
