package io.tunestream.training.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;

/** Configuration of the training-service: training jobs over sealed dataset versions, their metrics and checkpoints. */
@ConfigMapping(prefix = "tunestream.training")
public interface TrainingConfig {

    /**
     * Prefix of the Kafka topic names this service reads and writes ({@code <prefix>.prompts}, ...), so that
     * several installations can share one cluster.
     */
    @WithDefault("tunestream")
    String topicPrefix();

    /** The CloudEvents {@code source} of the events this service publishes. */
    @WithDefault("/tunestream/training-service")
    URI eventSource();
}
