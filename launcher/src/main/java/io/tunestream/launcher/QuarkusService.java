package io.tunestream.launcher;

import io.tunestream.infra.ChildProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One process of one of the five Tunestream services, run from its packaged jar with the local stack's configuration:
 * the service itself, or one of its extra replicas ({@code generation-service-2}, ...), which differ in name (their
 * pid and log files), port and environment only.
 */
final class QuarkusService implements Component {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String module;
    private final String name;
    private final int port;
    private final Map<String, String> environment;

    /**
     * @param module the Maven module, which is also the service's name ({@code dataset-service}, ...)
     * @param environment configuration passed as environment variables (Quarkus maps {@code QUARKUS_HTTP_PORT} to
     *     {@code quarkus.http.port}), so secrets never appear in a command line
     */
    QuarkusService(String module, int port, Map<String, String> environment) {
        this(module, module, port, environment);
    }

    /** @param name the component's name: {@code module} for its first process, {@code <module>-<n>} for replicas */
    QuarkusService(String module, String name, int port, Map<String, String> environment) {
        this.module = module;
        this.name = name;
        this.port = port;
        this.environment = environment;
    }

    @Override
    public String name() {
        return name;
    }

    /** The Maven module, which is also the service's name: the same for every replica. */
    String module() {
        return module;
    }

    @Override
    public List<Integer> ports() {
        return List.of(port);
    }

    @Override
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public String processMarker() {
        return processMarker(module);
    }

    /** What every process of {@code module}'s packaged jar has in its command line. */
    static String processMarker(String module) {
        return module + "/target/quarkus-app/quarkus-run.jar";
    }

    @Override
    public Process start(StackLayout layout) {
        Path jar = layout.serviceJar(module);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    module + " is not built (" + jar + " is missing): run ./mvnw -B install -DskipTests");
        }
        List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable()));
        if (module.equals("generation-service")) {
            // The decode loop (sampling over the vocabulary every token) is hot Java code: give it the optimising
            // compiler and room for per-step logits instead of the small, quick-starting settings of the others.
            command.addAll(List.of("-Xmx1g", "-XX:+UseParallelGC"));
        } else {
            command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        }
        command.addAll(List.of("-Dai.djl.offline=true", "-jar", jar.toString()));
        return ChildProcess.startDetached(command, layout.repository(), layout.logFile(name), environment);
    }

    @Override
    public Health probe() {
        try {
            HttpResponse<Void> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200
                    ? Health.up("UP")
                    : Health.down("DOWN (HTTP " + response.statusCode() + ")");
        } catch (IOException e) {
            return Health.down("not answering");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down("interrupted");
        }
    }
}
