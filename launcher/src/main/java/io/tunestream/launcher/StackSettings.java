package io.tunestream.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * @param replicaPorts by service module, the HTTP ports of its replicas beyond the first (the second's, the
 *     third's, ...); a module without an entry runs one process
 */
public record StackSettings(
        int kafkaPort,
        int kafkaControllerPort,
        int objectStorePort,
        Map<String, Integer> servicePorts,
        String databasePrefix,
        Map<String, Map<String, String>> serviceEnvironment,
        Map<String, List<Integer>> replicaPorts) {

    /**
     * The services that may run as several processes on one stack: they share work through the bus (one consumer
     * group over the prompts' partitions) or the database (the training jobs' {@code SKIP LOCKED} queue). The others
     * are reached over HTTP at one port each (the gateway routes to one URL per service), so an extra process of them
     * would receive nothing here; on Kubernetes a Service balances their replicas.
     */
    public static final Set<String> REPLICABLE = Set.of("generation-service", "training-service");

    /** The most processes of one service: beyond the topic's partitions or the cores, replicas only wait. */
    public static final int MAX_REPLICAS = 8;

    /** Replica {@code n} (from 2) of a default-port service listens on its port + (n - 1) x this. */
    static final int REPLICA_PORT_STEP = 10;

    public StackSettings {
        servicePorts = Collections.unmodifiableMap(new LinkedHashMap<>(servicePorts));
        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        serviceEnvironment.forEach((module, environment) -> environments.put(module, Map.copyOf(environment)));
        serviceEnvironment = Collections.unmodifiableMap(environments);
        Map<String, List<Integer>> replicas = new LinkedHashMap<>();
        replicaPorts.forEach((module, ports) -> {
            if (!ports.isEmpty()) {
                replicas.put(module, List.copyOf(ports));
            }
        });
        replicaPorts = Collections.unmodifiableMap(replicas);
    }

    public StackSettings(
            int kafkaPort,
            int kafkaControllerPort,
            int objectStorePort,
            Map<String, Integer> servicePorts,
            String databasePrefix,
            Map<String, Map<String, String>> serviceEnvironment) {
        this(
                kafkaPort,
                kafkaControllerPort,
                objectStorePort,
                servicePorts,
                databasePrefix,
                serviceEnvironment,
                Map.of());
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
                kafkaPort,
                kafkaControllerPort,
                objectStorePort,
                servicePorts,
                prefix,
                serviceEnvironment,
                replicaPorts);
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
                kafkaPort,
                kafkaControllerPort,
                objectStorePort,
                servicePorts,
                databasePrefix,
                environments,
                replicaPorts);
    }

    /**
     * These settings with {@code count} processes of {@code module} (1 to {@link #MAX_REPLICAS}), the second on the
     * service's port + {@value #REPLICA_PORT_STEP}, the third + 20, ... ({@code generation-service=3} on the default
     * ports: 8082, 8092, 8102).
     */
    public StackSettings withReplicas(String module, int count) {
        requireReplicable(module);
        if (count < 1 || count > MAX_REPLICAS) {
            throw new IllegalArgumentException(
                    "replicas of " + module + " must be between 1 and " + MAX_REPLICAS + ", not " + count);
        }
        List<Integer> ports = new ArrayList<>();
        for (int replica = 2; replica <= count; replica++) {
            ports.add(servicePorts.get(module) + (replica - 1) * REPLICA_PORT_STEP);
        }
        return withReplicaPorts(module, ports);
    }

    /** These settings with one more process of {@code module} per port in {@code ports} (tests: free ports). */
    public StackSettings withReplicaPorts(String module, List<Integer> ports) {
        requireReplicable(module);
        if (ports.size() + 1 > MAX_REPLICAS) {
            throw new IllegalArgumentException("at most " + MAX_REPLICAS + " replicas of " + module);
        }
        Map<String, List<Integer>> replicas = new LinkedHashMap<>(replicaPorts);
        replicas.put(module, ports);
        return new StackSettings(
                kafkaPort,
                kafkaControllerPort,
                objectStorePort,
                servicePorts,
                databasePrefix,
                serviceEnvironment,
                replicas);
    }

    /** How many processes of {@code module} the stack runs. */
    public int replicas(String module) {
        return 1 + replicaPorts.getOrDefault(module, List.of()).size();
    }

    /**
     * The component name of replica {@code replica} (from 1) of {@code module}: the module's own name for the first,
     * so a stack of one process each names its components as before, and {@code <module>-<n>} for the others.
     */
    public static String replicaName(String module, int replica) {
        return replica == 1 ? module : module + "-" + replica;
    }

    private void requireReplicable(String module) {
        if (!servicePorts.containsKey(module)) {
            throw new IllegalArgumentException("no service module " + module + " in " + servicePorts.keySet());
        }
        if (!REPLICABLE.contains(module)) {
            throw new IllegalArgumentException("the launcher runs one process of " + module
                    + ": only " + REPLICABLE.stream().sorted().toList()
                    + " take several (they share work over the bus or the jobs table; the others are reached at one"
                    + " HTTP port each)");
        }
    }

    /**
     * The database (and role) of a data-owning area ({@code dataset}, {@code training}, {@code registry},
     * {@code gateway}).
     */
    public String databaseName(String area) {
        return databasePrefix + area;
    }
}
