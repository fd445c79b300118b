package io.tunestream.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the local stack keeps its state: {@code $TUNESTREAM_HOME}, or {@code .tunestream/} in the repository.
 *
 * <pre>
 * run/{component}.pid      the pid of each process the launcher started
 * logs/{component}.log     its output
 * data/kafka, data/s3      Kafka's log directories and the object store's files (kept across down/up)
 * credentials.properties   generated passwords and keys (owner-only)
 * </pre>
 *
 * @param repository the repository root: where the service and launcher jars are built
 * @param home the state directory
 */
public record StackLayout(Path repository, Path home) {

    public static StackLayout fromEnvironment(Path repository) {
        String home = System.getenv("TUNESTREAM_HOME");
        return new StackLayout(
                repository, home == null || home.isBlank() ? repository.resolve(".tunestream") : Path.of(home));
    }

    public Path pidFile(String component) {
        return home.resolve("run").resolve(component + ".pid");
    }

    public Path logFile(String component) {
        return home.resolve("logs").resolve(component + ".log");
    }

    public Path dataDirectory(String component) {
        return createDirectories(home.resolve("data").resolve(component));
    }

    public Path configDirectory() {
        return createDirectories(home.resolve("config"));
    }

    public Path credentialsFile() {
        return home.resolve("credentials.properties");
    }

    /** The packaged Quarkus application of a service module. */
    public Path serviceJar(String module) {
        return repository.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** The launcher's runtime libraries, which are also the Kafka broker's class path. */
    public Path launcherLibraries() {
        return repository.resolve("launcher/target/lib");
    }

    public Path s3ProxyJar() {
        return repository.resolve("launcher/target/s3proxy/s3proxy.jar");
    }

    static Path createDirectories(Path directory) {
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }
}
