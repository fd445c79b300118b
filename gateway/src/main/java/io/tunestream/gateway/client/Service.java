package io.tunestream.gateway.client;

/** The services behind the gateway: the key of each in {@code tunestream.gateway.services} and its name in errors. */
public enum Service {
    DATASET("dataset", "dataset-service"),
    GENERATION("generation", "generation-service"),
    TRAINING("training", "training-service"),
    REGISTRY("registry", "registry-service");

    private final String configKey;
    private final String displayName;

    Service(String configKey, String displayName) {
        this.configKey = configKey;
        this.displayName = displayName;
    }

    public String configKey() {
        return configKey;
    }

    public String displayName() {
        return displayName;
    }
}
