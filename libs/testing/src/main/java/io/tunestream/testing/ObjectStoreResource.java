package io.tunestream.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tunestream.infra.ChildProcess;
import io.tunestream.infra.Ports;
import io.tunestream.infra.S3ProxyServer;
import io.tunestream.platform.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real S3 API server (S3Proxy over a temporary directory) in a child JVM on a random port, with the platform's
 * bucket created. The server halts when the test JVM dies, so no run leaves one behind.
 *
 * <p>Provides the {@code quarkus.minio.*} configuration. The init argument {@code bucket} names the bucket (default
 * {@value #DEFAULT_BUCKET}). The server jar comes from the system property {@code tunestream.s3proxy.jar}, which the
 * build sets.
 */
public class ObjectStoreResource implements QuarkusTestResourceLifecycleManager {

    public static final String DEFAULT_BUCKET = "tunestream";
    public static final String SERVER_JAR_PROPERTY = "tunestream.s3proxy.jar";

    private String bucket = DEFAULT_BUCKET;
    private Path directory;
    private Process process;

    @Override
    public void init(Map<String, String> initArgs) {
        bucket = initArgs.getOrDefault("bucket", DEFAULT_BUCKET);
    }

    @Override
    public Map<String, String> start() {
        String serverJar = System.getProperty(SERVER_JAR_PROPERTY);
        if (serverJar == null) {
            throw new IllegalStateException("system property " + SERVER_JAR_PROPERTY
                    + " is not set; the parent pom sets it for surefire, set it to the s3proxy jar-with-dependencies");
        }
        try {
            directory = Files.createTempDirectory("tunestream-s3-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String accessKey = "test-" + UUID.randomUUID().toString().substring(0, 8);
        String secretKey = UUID.randomUUID().toString();
        S3ProxyServer server = new S3ProxyServer(Path.of(serverJar), directory, Ports.freePort(), accessKey, secretKey);
        process = server.start(true, directory.resolve("s3proxy.log"));
        createBucket(server.endpoint(), accessKey, secretKey);
        return Map.of(
                "quarkus.minio.host",
                "127.0.0.1",
                "quarkus.minio.port",
                String.valueOf(server.port()),
                "quarkus.minio.access-key",
                accessKey,
                "quarkus.minio.secret-key",
                secretKey,
                "quarkus.minio.secure",
                "false",
                "quarkus.minio.devservices.enabled",
                "false");
    }

    private void createBucket(String endpoint, String accessKey, String secretKey) {
        try {
            ObjectStore.connect(endpoint, accessKey, secretKey, bucket).createBucketIfMissing();
        } catch (RuntimeException e) {
            stop();
            throw new IllegalStateException(
                    "cannot create bucket '" + bucket + "' on " + endpoint + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            ChildProcess.stop(process.toHandle());
            process = null;
        }
        if (directory != null) {
            deleteRecursively(directory);
            directory = null;
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
