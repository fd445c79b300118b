package io.tunestream.training;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The service without its runner: tests claim jobs themselves, as a second replica would. */
public class RunnerOffProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("tunestream.training.runner.enabled", "false");
    }
}
