package io.tunestream.launcher;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ports and database names of a local stack. {@link #defaults()} is what {@code ./tunestream} runs and the README
 * documents; tests run a second stack beside it on free ports and their own database names.
 *
 * @param kafkaPort the broker's client port
 * @param kafkaControllerPort the KRaft controller's port
 * @param objectStorePort the S3 API port
 * @param servicePorts HTTP port by service module, in start order (the gateway last: its readiness is theirs)
 * @param databasePrefix prefix of the service databases and their roles ({@code <prefix>dataset}, ...)
 * @param serviceEnvironment extra environment by service module (configuration such as
 *     {@code TUNESTREAM_TRAINING_RUNNER_LEASE}), applied over the stack's own
 */
public record StackSettings(
        int kafkaPort,
        int kafkaControllerPort,
        int objectStorePort,
        Map<String, Integer> servicePorts,
        String databasePrefix,
        Map<String, Map<String, String>> serviceEnvironment) {

    public StackSettings {
        servicePorts = Collections.unmodifiableMap(new LinkedHashMap<>(servicePorts));
        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        serviceEnvironment.forEach((module, environment) -> environments.put(module, Map.copyOf(environment)));
        serviceEnvironment = Collections.unmodifiableMap(environments);
    }

    public StackSettings(
            int kafkaPort,
            int kafkaControllerPort,
            int objectStorePort,
            Map<String, Integer> servicePorts,
            String databasePrefix) {
        this(kafkaPort, kafkaControllerPort, objectStorePort, servicePorts, databasePrefix, Map.of());
    }

    public static StackSettings defaults() {
        Map<String, Integer> services = new LinkedHashMap<>();
        services.put("dataset-service", 8081);
        services.put("generation-service", 8082);
        services.put("training-service", 8083);
        services.put("registry-service", 8084);
        services.put("gateway", 8080);
        return new StackSettings(9092, 9093, 9000, services, "tunestream_");
    }

    /** These settings with the databases and roles named {@code <prefix><area>}. */
    public StackSettings withDatabasePrefix(String prefix) {
        return new StackSettings(
                kafkaPort, kafkaControllerPort, objectStorePort, servicePorts, prefix, serviceEnvironment);
    }

    /** These settings with {@code environment} added to {@code module}'s (later values win). */
    public StackSettings withEnvironment(String module, Map<String, String> environment) {
        if (!servicePorts.containsKey(module)) {
            throw new IllegalArgumentException("no service module " + module + " in " + servicePorts.keySet());
        }
        Map<String, Map<String, String>> environments = new LinkedHashMap<>(serviceEnvironment);
        Map<String, String> merged = new LinkedHashMap<>(environments.getOrDefault(module, Map.of()));
        merged.putAll(environment);
        environments.put(module, merged);
        return new StackSettings(
                kafkaPort, kafkaControllerPort, objectStorePort, servicePorts, databasePrefix, environments);
    }

    /**
     * The database (and role) of a data-owning area ({@code dataset}, {@code training}, {@code registry},
     * {@code gateway}).
     */
    public String databaseName(String area) {
        return databasePrefix + area;
    }
}
