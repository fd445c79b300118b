package io.tunestream.generation.config;

import io.smallrye.config.ConfigMapping;
import io.tunestream.platform.storage.ObjectStoreSettings;

/** Configuration of the generation-service: answers prompts with the current model and serves OpenAI-compatible inference. */
@ConfigMapping(prefix = "tunestream.generation")
public interface GenerationConfig {

    /** Where this service keeps its objects ({@code tunestream.generation.storage.bucket}, ...). */
    ObjectStoreSettings storage();
}
