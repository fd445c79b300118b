package io.tunestream.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Where the local stack keeps its state: {@code $TUNESTREAM_HOME}, or {@code .tunestream/} in the repository.
 *
 * <pre>
 * run/{component}.pid      the pid of each process the launcher started
 * logs/{component}.log     its output
 * data/kafka, data/s3      Kafka's log directories and the object store's files (kept across down/up)
 * credentials.properties   generated passwords and keys (owner-only)
 * database-prefix          the prefix of this home's PostgreSQL databases and roles
 * cache/                   what is rebuilt from a seed, not state (the demo's bootstrapped model); kept by a purge
 * </pre>
 *
 * @param repository the repository root: where the service and launcher jars are built
 * @param home the state directory
 */
public record StackLayout(Path repository, Path home) {

    /** The databases' prefix before each home had its own. */
    static final String LEGACY_DATABASE_PREFIX = "tunestream_";

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

    /** What is rebuilt from a seed rather than kept as state: {@code down --purge} leaves it. */
    public Path cacheDirectory(String name) {
        return createDirectories(home.resolve("cache").resolve(name));
    }

    /**
     * The prefix of this home's databases and roles, recorded in the home on first use so that a new home starts with
     * new databases and a removed home leaves none in use. A home made before the prefix was recorded (it has
     * credentials but no prefix file) owns the databases every home used then, {@code tunestream_*}.
     */
    public String databasePrefix() {
        Path file = home.resolve("database-prefix");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            String prefix = Files.exists(credentialsFile())
                    ? LEGACY_DATABASE_PREFIX
                    : LEGACY_DATABASE_PREFIX + HexFormat.of().formatHex(randomBytes(4)) + "_";
            Files.createDirectories(home);
            Files.writeString(file, prefix + "\n");
            return prefix;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or record the database prefix in " + file, e);
        }
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

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    static Path createDirectories(Path directory) {
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }
}
