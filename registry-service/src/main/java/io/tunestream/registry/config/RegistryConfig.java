package io.tunestream.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;

/** Configuration of the registry-service: models, versions, aliases, lineage and promotion. */
@ConfigMapping(prefix = "tunestream.registry")
public interface RegistryConfig {

    /**
     * Prefix of the Kafka topic names this service reads and writes ({@code <prefix>.prompts}, ...), so that
     * several installations can share one cluster.
     */
    @WithDefault("tunestream")
    String topicPrefix();

    /** The CloudEvents {@code source} of the events this service publishes. */
    @WithDefault("/tunestream/registry-service")
    URI eventSource();
}
