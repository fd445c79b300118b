package io.tunestream.registry.config;

import io.tunestream.platform.storage.ObjectStoreSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Offers this service's storage settings to the shared object-store beans of {@code libs/platform}. */
@ApplicationScoped
public class ObjectStoreSettingsProducer {

    @Produces
    ObjectStoreSettings objectStoreSettings(RegistryConfig config) {
        return config.storage();
    }
}
