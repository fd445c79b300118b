package io.tunestream.launcher;

import io.tunestream.infra.ChildProcess;
import io.tunestream.infra.Ports;
import io.tunestream.infra.PostgresAdmin;
import io.tunestream.infra.Waits;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local stack: a Kafka broker, the object store, the machine's PostgreSQL with one database per data-owning
 * service, and the five services. Processes are tracked by pid files, so {@code down} stops exactly what {@code up}
 * started.
 */
final class Stack {

    /** The service areas that own a database, named after them. */
    static final List<String> DATABASE_OWNERS = List.of("dataset", "training", "registry", "gateway");
    /** The gateway's first admin key, generated into the credentials file unless the environment brings one. */
    static final String GATEWAY_ADMIN_KEY_VARIABLE = "TUNESTREAM_GATEWAY_ADMIN_KEY";
    /**
     * The token the gateway sends to the services and the services require (libs/platform's internal-token check):
     * generated into the credentials file unless the environment brings one, so a local stack's service ports are
     * not open doors either.
     */
    static final String INTERNAL_TOKEN_VARIABLE = "TUNESTREAM_INTERNAL_TOKEN";

    static final String INTERNAL_TOKEN_SECRET = "internal-token";

    static final Duration SERVICES_READY_TIMEOUT = Duration.ofMinutes(4);

    /** The pid file of a service's extra replica: {@code <module>-<n>.pid}. */
    private static final Pattern REPLICA_PID_FILE = Pattern.compile("(.+)-(\\d+)\\.pid");

    private final StackLayout layout;
    private final PostgresAdmin postgres;
    private final StackSettings settings;
    private final Credentials credentials;
    private final KafkaBroker kafka;
    private final ObjectStore objectStore;
    private final List<QuarkusService> services = new ArrayList<>();

    Stack(StackLayout layout, PostgresAdmin postgres, StackSettings settings) {
        this.layout = layout;
        this.postgres = postgres;
        this.settings = settings;
        this.credentials = Credentials.loadOrCreate(layout.credentialsFile());
        this.kafka = new KafkaBroker(settings.kafkaPort(), settings.kafkaControllerPort());
        this.objectStore = new ObjectStore(settings.objectStorePort(), credentials);
        settings.servicePorts().forEach((module, port) -> {
            services.add(new QuarkusService(module, module, port, serviceEnvironment(module, module, port)));
            // A service's replicas start right after it: the gateway, last, still starts when they all run.
            List<Integer> replicaPorts = settings.replicaPorts().getOrDefault(module, List.of());
            for (int index = 0; index < replicaPorts.size(); index++) {
                String name = StackSettings.replicaName(module, index + 2);
                int replicaPort = replicaPorts.get(index);
                services.add(
                        new QuarkusService(module, name, replicaPort, serviceEnvironment(module, name, replicaPort)));
            }
        });
    }

    StackSettings settings() {
        return settings;
    }

    /** The gateway's admin key: the launcher's environment's, or the one generated into the credentials. */
    String adminKey() {
        String fromEnvironment = System.getenv(GATEWAY_ADMIN_KEY_VARIABLE);
        return fromEnvironment != null ? fromEnvironment : "ts_" + credentials.secret("gateway.admin-key");
    }

    /** Every component, in start order. */
    List<Component> components() {
        List<Component> all = new ArrayList<>(List.of(kafka, objectStore));
        all.addAll(services);
        return all;
    }

    Optional<Component> component(String name) {
        return components().stream()
                .filter(component -> component.name().equals(name))
                .findFirst();
    }

    /** The live process of a component, if the launcher started it and it still runs. */
    Optional<ProcessHandle> running(Component component) {
        Path pidFile = layout.pidFile(component.name());
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            return ChildProcess.findAlive(
                    Long.parseLong(Files.readString(pidFile).trim()), component.processMarker());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Starts whatever is not running and waits until everything is ready.
     *
     * @return false when everything was already running (nothing was started)
     */
    boolean up(PrintStream out) {
        try (LauncherLock lock = LauncherLock.acquire(layout)) {
            return startMissing(out);
        }
    }

    private boolean startMissing(PrintStream out) {
        for (String surplus : stopSurplusReplicas()) {
            out.println("stopped " + surplus + ": the stack now runs " + surplus.substring(0, surplus.lastIndexOf('-'))
                    + " with fewer replicas");
        }
        List<Component> toStart = components().stream()
                .filter(component -> running(component).isEmpty())
                .toList();
        if (toStart.isEmpty()) {
            return false;
        }
        for (Component component : toStart) {
            for (int port : component.ports()) {
                if (!Ports.isFree(port)) {
                    throw new LauncherException(
                            "port " + port + " for " + component.name()
                                    + " is already in use by a process this launcher did not start; stop that process or free the port");
                }
            }
        }
        out.println("PostgreSQL on " + postgres.host() + ":" + postgres.port()
                + ": making sure it runs and has the service databases");
        ensureDatabases();
        for (Component infrastructure : List.of(kafka, objectStore)) {
            if (toStart.contains(infrastructure)) {
                out.println("starting " + infrastructure.name());
                Process process = start(infrastructure);
                awaitReady(List.of(infrastructure), Map.of(infrastructure, process), KafkaBroker.READY_TIMEOUT);
            }
        }
        Map<Component, Process> started = new LinkedHashMap<>();
        for (QuarkusService service : services) {
            if (toStart.contains(service)) {
                out.println("starting " + service.name());
                started.put(service, start(service));
            }
        }
        awaitReady(List.copyOf(started.keySet()), started, SERVICES_READY_TIMEOUT);
        return true;
    }

    /** Starts PostgreSQL if it is down and creates this stack's databases and roles that do not exist yet. */
    void ensureDatabases() {
        postgres.ensureRunning();
        for (String owner : DATABASE_OWNERS) {
            postgres.createDatabase(
                    settings.databaseName(owner),
                    settings.databaseName(owner),
                    credentials.secret("postgres." + owner + ".password"));
        }
    }

    List<String> databaseNames() {
        return DATABASE_OWNERS.stream().map(settings::databaseName).toList();
    }

    /**
     * Stops everything, drops this stack's databases and roles, and deletes the home but its {@code cache/}: the next
     * {@code up} starts from nothing. Returns the names of the components it stopped.
     */
    List<String> purge() {
        List<String> stopped;
        try (LauncherLock lock = LauncherLock.acquire(layout)) {
            stopped = stopAll();
            postgres.ensureRunning();
            for (String database : databaseNames()) {
                postgres.dropDatabase(database, database);
            }
        }
        try (Stream<Path> entries = Files.list(layout.home())) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals("cache")) {
                    deleteRecursively(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the state under " + layout.home(), e);
        }
        return stopped;
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(path)) {
                for (Path child : children.toList()) {
                    deleteRecursively(child);
                }
            }
        }
        Files.deleteIfExists(path);
    }

    /** Stops every component the launcher started, services first; returns the names of those it stopped. */
    List<String> down() {
        try (LauncherLock lock = LauncherLock.acquire(layout)) {
            return stopAll();
        }
    }

    private List<String> stopAll() {
        List<Component> reversed = new ArrayList<>(components());
        Collections.reverse(reversed);
        List<String> stopped = new ArrayList<>(stopSurplusReplicas());
        for (Component component : reversed) {
            Optional<ProcessHandle> process = running(component);
            process.ifPresent(ChildProcess::stop);
            process.ifPresent(handle -> stopped.add(component.name()));
            deletePidFile(layout.pidFile(component.name()));
        }
        return stopped;
    }

    /**
     * Stops the service replicas that run (their pid files say so) but are not components of this stack: those of an
     * earlier {@code up} with more replicas. So scaling down is an {@code up} with fewer, and {@code down} leaves no
     * replica running whatever the settings it was given. Returns their names.
     */
    private List<String> stopSurplusReplicas() {
        Path runDirectory = layout.pidFile("any").getParent();
        if (!Files.isDirectory(runDirectory)) {
            return List.of();
        }
        Set<String> known = components().stream().map(Component::name).collect(Collectors.toSet());
        List<String> stopped = new ArrayList<>();
        try (Stream<Path> pidFiles = Files.list(runDirectory)) {
            for (Path pidFile : pidFiles.sorted().toList()) {
                Matcher replica = REPLICA_PID_FILE.matcher(pidFile.getFileName().toString());
                if (!replica.matches()
                        || !settings.servicePorts().containsKey(replica.group(1))
                        || known.contains(replica.group(1) + "-" + replica.group(2))) {
                    continue;
                }
                String name = replica.group(1) + "-" + replica.group(2);
                Optional<ProcessHandle> process = Optional.empty();
                try {
                    process = ChildProcess.findAlive(
                            Long.parseLong(Files.readString(pidFile).trim()),
                            QuarkusService.processMarker(replica.group(1)));
                } catch (NumberFormatException unreadable) {
                    // Not a pid: nothing of ours runs under it.
                }
                process.ifPresent(ChildProcess::stop);
                process.ifPresent(handle -> stopped.add(name));
                deletePidFile(pidFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runDirectory, e);
        }
        return stopped;
    }

    private Process start(Component component) {
        Process process = component.start(layout);
        try {
            Files.createDirectories(layout.pidFile(component.name()).getParent());
            Files.writeString(layout.pidFile(component.name()), String.valueOf(process.pid()));
        } catch (IOException e) {
            ChildProcess.stop(process.toHandle());
            throw new UncheckedIOException("cannot record the pid of " + component.name(), e);
        }
        return process;
    }

    private void awaitReady(List<Component> components, Map<Component, Process> processes, Duration timeout) {
        List<Component> waiting = new ArrayList<>(components);
        Map<Component, Component.Health> lastSeen = new HashMap<>();
        try {
            Waits.until("readiness", timeout, () -> {
                for (Component component : List.copyOf(waiting)) {
                    Process process = processes.get(component);
                    if (!process.isAlive()) {
                        throw new LauncherException(component.name() + " exited with code " + process.exitValue()
                                + " before it was ready; see " + layout.logFile(component.name())
                                + " (./tunestream logs " + component.name() + ")");
                    }
                    Component.Health health = component.probe();
                    lastSeen.put(component, health);
                    if (health.ready()) {
                        waiting.remove(component);
                    }
                }
                return waiting.isEmpty();
            });
        } catch (IllegalStateException timedOut) {
            throw new LauncherException("not ready after " + timeout.toSeconds() + " s: "
                    + waiting.stream()
                            .map(c -> c.name() + " (" + lastSeen.get(c).description() + ", log "
                                    + layout.logFile(c.name()) + ")")
                            .toList());
        }
    }

    /**
     * The environment of one process of {@code module}: {@code name} is the component's name, which differs from the
     * module's for its replicas beyond the first.
     */
    private Map<String, String> serviceEnvironment(String module, String name, int port) {
        Map<String, String> environment = new HashMap<>();
        environment.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        // A local stack serves this machine only; a deployment sets its own host.
        environment.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        environment.put(INTERNAL_TOKEN_VARIABLE, internalToken(credentials));
        if (module.equals("gateway")) {
            settings.servicePorts().forEach((service, servicePort) -> {
                if (!service.equals("gateway")) {
                    environment.put(
                            "TUNESTREAM_GATEWAY_SERVICES_"
                                    + service.replace("-service", "").toUpperCase(),
                            "http://127.0.0.1:" + servicePort);
                }
            });
            putDatasource(environment, "gateway");
            if (System.getenv(GATEWAY_ADMIN_KEY_VARIABLE) == null) {
                // The key only has to be a ts_ token with enough entropy; the stored secret is 144 random bits.
                environment.put(GATEWAY_ADMIN_KEY_VARIABLE, "ts_" + credentials.secret("gateway.admin-key"));
            }
            environment.putAll(settings.serviceEnvironment().getOrDefault(module, Map.of()));
            return environment;
        }
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        environment.put("QUARKUS_MINIO_HOST", "127.0.0.1");
        environment.put("QUARKUS_MINIO_PORT", String.valueOf(objectStore.port()));
        environment.put("QUARKUS_MINIO_ACCESS_KEY", objectStore.accessKey());
        environment.put("QUARKUS_MINIO_SECRET_KEY", objectStore.secretKey());
        if (module.equals("generation-service")) {
            // Downloaded model files stay with the stack's data, so a restarted replica reuses them; one cache per
            // replica, so that two never write the same file at once.
            environment.put(
                    "TUNESTREAM_GENERATION_CACHE_DIRECTORY",
                    layout.dataDirectory(name).resolve("model-cache").toString());
        }
        if (module.equals("training-service")) {
            // The promotion policy, and the evaluation set it names, is read from the registry when a job finishes.
            environment.put(
                    "TUNESTREAM_TRAINING_REGISTRY_URL",
                    "http://127.0.0.1:" + settings.servicePorts().get("registry-service"));
            // A job's inputs and outputs in a directory of this process's own: a job re-claimed by another replica
            // after its runner died must not find (or delete) the dead runner's files, and two stacks on one machine
            // must not share the default ${java.io.tmpdir}/tunestream-training.
            environment.put(
                    "TUNESTREAM_TRAINING_RUNNER_WORK_DIRECTORY",
                    layout.dataDirectory(name).resolve("work").toString());
        }
        String owner = module.replace("-service", "");
        if (DATABASE_OWNERS.contains(owner)) {
            putDatasource(environment, owner);
        }
        environment.putAll(settings.serviceEnvironment().getOrDefault(module, Map.of()));
        return environment;
    }

    /** The stack's internal token: the launcher's environment's, else the one in the credentials file. */
    static String internalToken(Credentials credentials) {
        String fromEnvironment = System.getenv(INTERNAL_TOKEN_VARIABLE);
        return fromEnvironment == null || fromEnvironment.isBlank()
                ? credentials.secret(INTERNAL_TOKEN_SECRET)
                : fromEnvironment;
    }

    private void putDatasource(Map<String, String> environment, String owner) {
        environment.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(settings.databaseName(owner)));
        environment.put("QUARKUS_DATASOURCE_USERNAME", settings.databaseName(owner));
        environment.put("QUARKUS_DATASOURCE_PASSWORD", credentials.secret("postgres." + owner + ".password"));
    }

    private static void deletePidFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }
}
