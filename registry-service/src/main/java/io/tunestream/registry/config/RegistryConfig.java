package io.tunestream.registry.config;

import io.smallrye.config.ConfigMapping;
import io.tunestream.platform.storage.ObjectStoreSettings;

/** Configuration of the registry-service: models, versions, aliases, lineage and promotion. */
@ConfigMapping(prefix = "tunestream.registry")
public interface RegistryConfig {

    /** Where this service keeps its objects ({@code tunestream.registry.storage.bucket}, ...). */
    ObjectStoreSettings storage();
}
