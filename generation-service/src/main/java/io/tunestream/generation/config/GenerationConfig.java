package io.tunestream.generation.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;

/** Configuration of the generation-service: answers prompts with the current model and serves OpenAI-compatible inference. */
@ConfigMapping(prefix = "tunestream.generation")
public interface GenerationConfig {

    /**
     * Prefix of the Kafka topic names this service reads and writes ({@code <prefix>.prompts}, ...), so that
     * several installations can share one cluster.
     */
    @WithDefault("tunestream")
    String topicPrefix();

    /** The CloudEvents {@code source} of the events this service publishes. */
    @WithDefault("/tunestream/generation-service")
    URI eventSource();
}
