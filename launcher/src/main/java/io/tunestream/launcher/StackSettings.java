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
 */
public record StackSettings(int kafkaPort, int kafkaControllerPort, int objectStorePort, Map<String, Integer> servicePorts,
        String databasePrefix) {

    public StackSettings {
        servicePorts = Collections.unmodifiableMap(new LinkedHashMap<>(servicePorts));
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

    /** The database (and role) of a data-owning service area ({@code dataset}, {@code training}, {@code registry}). */
    public String databaseName(String area) {
        return databasePrefix + area;
    }
}
