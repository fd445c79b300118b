package io.tunestream.launcher;

import io.tunestream.infra.Ports;
import io.tunestream.infra.PostgresAdmin;
import io.tunestream.launcher.chaos.ChaosTarget;
import io.tunestream.platform.security.InternalToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A stack of its own for a chaos or soak run, and the {@link ChaosTarget} over it: free ports and fresh database names
 * beside any stack a developer runs (what {@code ./tunestream chaos} kills is never the home's stack), SIGKILL of a
 * component through the launcher's pid tracking, restarts through {@code up}, and the stack's databases read as the
 * administrator. {@link #close()} stops it and drops its databases.
 */
final class ChaosStack implements ChaosTarget, AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

    private final PostgresAdmin postgres;
    private final StackSettings settings;
    private final StackLayout layout;
    private final Stack stack;
    private String internalToken;

    ChaosStack(Path repository, Path home, PostgresAdmin postgres, StackSettings settings) {
        this.postgres = postgres;
        this.settings = settings;
        this.layout = new StackLayout(repository, home);
        this.stack = new Stack(layout, postgres, settings);
    }

    /**
     * Settings on free ports with databases under {@code <label>_<random>_}; the registry may import from
     * {@code importDirectory}; jobs train for a few steps (the loop, not the model, is under test) and a quarter of each
     * round's pairs is sealed as the validation split, as in LoopIT.
     */
    static StackSettings settings(String label, Path importDirectory) {
        Map<String, Integer> services = new LinkedHashMap<>();
        for (String module : StackSettings.defaults().servicePorts().keySet()) {
            services.put(module, Ports.freePort());
        }
        String prefix =
                label + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
        return new StackSettings(Ports.freePort(), Ports.freePort(), Ports.freePort(), services, prefix)
                .withEnvironment(
                        "registry-service",
                        Map.of("TUNESTREAM_REGISTRY_IMPORTING_ALLOWED_DIRECTORIES", importDirectory.toString()))
                .withEnvironment(
                        "training-service",
                        Map.of(
                                "TUNESTREAM_TRAINING_DEFAULTS_MAX_STEPS", "6",
                                "TUNESTREAM_TRAINING_DEFAULTS_BATCH_SIZE", "2",
                                "TUNESTREAM_TRAINING_DEFAULTS_EVAL_EVERY", "3",
                                "TUNESTREAM_TRAINING_DEFAULTS_MAX_LENGTH", "64",
                                "TUNESTREAM_TRAINING_RUNNER_POLL_INTERVAL", "1s"))
                .withEnvironment("dataset-service", Map.of("TUNESTREAM_DATASET_SEALING_EVAL_FRACTION", "0.25"));
    }

    /** Starts every component; throws when one does not get ready. */
    void start() {
        stack.up(new PrintStream(new ByteArrayOutputStream()));
    }

    @Override
    public List<String> components() {
        return stack.components().stream().map(Component::name).toList();
    }

    @Override
    public List<String> services() {
        return List.copyOf(settings.servicePorts().keySet());
    }

    @Override
    public void kill(String name) {
        Component component = stack.component(name)
                .orElseThrow(() -> new IllegalArgumentException("no component " + name + " in " + components()));
        ProcessHandle process = stack.running(component)
                .orElseThrow(() -> new IllegalStateException(name + " is not running, so it cannot be killed"));
        process.destroyForcibly();
        try {
            process.onExit().get(KILL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") did not exit after SIGKILL", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + name, e);
        }
    }

    @Override
    public void restart() {
        stack.up(new PrintStream(new ByteArrayOutputStream()));
    }

    @Override
    public void cutDatabases() {
        for (String owner : Stack.DATABASE_OWNERS) {
            String database = settings.databaseName(owner);
            postgres.psql(
                    "alter database " + database + " allow_connections false;\n"
                            + "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = :'database';\n",
                    Map.of("database", database));
        }
    }

    @Override
    public void restoreDatabases() {
        for (String owner : Stack.DATABASE_OWNERS) {
            postgres.psql("alter database " + settings.databaseName(owner) + " allow_connections true;\n", Map.of());
        }
    }

    @Override
    public Optional<Long> pid(String name) {
        return stack.component(name).flatMap(stack::running).map(ProcessHandle::pid);
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + settings.kafkaPort();
    }

    @Override
    public String databaseName(String area) {
        return settings.databaseName(area);
    }

    @Override
    public String query(String area, String sql) {
        return postgres.psql("\\connect " + settings.databaseName(area) + "\n" + sql + ";\n", Map.of());
    }

    @Override
    public String queryServer(String sql) {
        return postgres.psql(sql + ";\n", Map.of());
    }

    @Override
    public io.tunestream.platform.storage.ObjectStore objectStore() {
        return new ObjectStore(settings.objectStorePort(), Credentials.loadOrCreate(layout.credentialsFile())).store();
    }

    @Override
    public HttpResponse<String> call(String service, String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + settings.servicePorts().get(service) + path))
                .timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json")
                .header(InternalToken.HEADER, internalToken())
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + request.uri() + " interrupted", e);
        }
    }

    private synchronized String internalToken() {
        if (internalToken == null) {
            internalToken = Stack.internalToken(Credentials.loadOrCreate(layout.credentialsFile()));
        }
        return internalToken;
    }

    StackLayout layout() {
        return layout;
    }

    /** Stops what the stack started and drops its databases. */
    @Override
    public void close() {
        stack.down();
        if (postgres.isRunning()) {
            restoreDatabases();
        }
        if (postgres.isRunning()) {
            for (String owner : Stack.DATABASE_OWNERS) {
                postgres.dropDatabase(settings.databaseName(owner), settings.databaseName(owner));
            }
        }
    }
}
