package io.tunestream.dataset.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;

/** Configuration of the dataset-service: datasets, samples, preference pairs and sealed dataset versions. */
@ConfigMapping(prefix = "tunestream.dataset")
public interface DatasetConfig {

    /**
     * Prefix of the Kafka topic names this service reads and writes ({@code <prefix>.prompts}, ...), so that
     * several installations can share one cluster.
     */
    @WithDefault("tunestream")
    String topicPrefix();

    /** The CloudEvents {@code source} of the events this service publishes. */
    @WithDefault("/tunestream/dataset-service")
    URI eventSource();
}
