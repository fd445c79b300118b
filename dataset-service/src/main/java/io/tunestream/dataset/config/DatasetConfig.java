package io.tunestream.dataset.config;

import io.smallrye.config.ConfigMapping;
import io.tunestream.platform.storage.ObjectStoreSettings;

/** Configuration of the dataset-service: datasets, samples, preference pairs and sealed dataset versions. */
@ConfigMapping(prefix = "tunestream.dataset")
public interface DatasetConfig {

    /** Where this service keeps its objects ({@code tunestream.dataset.storage.bucket}, ...). */
    ObjectStoreSettings storage();
}
