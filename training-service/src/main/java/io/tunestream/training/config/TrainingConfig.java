package io.tunestream.training.config;

import io.smallrye.config.ConfigMapping;
import io.tunestream.platform.storage.ObjectStoreSettings;

/** Configuration of the training-service: training jobs over sealed dataset versions, their metrics and checkpoints. */
@ConfigMapping(prefix = "tunestream.training")
public interface TrainingConfig {

    /** Where this service keeps its objects ({@code tunestream.training.storage.bucket}, ...). */
    ObjectStoreSettings storage();
}
