package io.tunestream.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * S3Proxy, a real S3 API server (AWS SigV2/SigV4, multipart uploads), run as a child JVM over a directory of the
 * filesystem. Its jar bundles unshaded libraries, so it runs in its own JVM and never on a class path of ours.
 *
 * @param serverJar the {@code s3proxy-<version>-jar-with-dependencies.jar}
 * @param dataDirectory where buckets and objects are kept (they survive restarts)
 * @param port the HTTP port on 127.0.0.1
 * @param accessKey the access key clients sign with
 * @param secretKey the secret key clients sign with
 */
public record S3ProxyServer(Path serverJar, Path dataDirectory, int port, String accessKey, String secretKey) {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    public static final String MAIN_CLASS = "org.gaul.s3proxy.Main";

    public S3ProxyServer {
        if (!Files.isRegularFile(serverJar)) {
            throw new IllegalArgumentException("S3Proxy server jar not found at " + serverJar
                    + " (it is resolved by the build: run ./mvnw -B install -DskipTests)");
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Starts the server and waits until it answers HTTP.
     *
     * @param boundToThisProcess true to make the server halt when this JVM dies (test resources); false for a server
     *     that outlives its starter (the launcher)
     * @param logFile where its output goes
     */
    public Process start(boolean boundToThisProcess, Path logFile) {
        Path properties = writeProperties();
        List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC"));
        if (boundToThisProcess) {
            command.addAll(List.of(
                    "-cp",
                    ChildProcess.classPath(List.of(
                            ChildProcess.codeSourceOf(ParentWatchdog.class).toString(), serverJar.toString())),
                    ParentWatchdog.class.getName(),
                    String.valueOf(ProcessHandle.current().pid()),
                    MAIN_CLASS));
        } else {
            command.addAll(List.of("-cp", serverJar.toString(), MAIN_CLASS));
        }
        command.addAll(List.of("--properties", properties.toString()));
        Process process = boundToThisProcess
                ? ChildProcess.start(command, dataDirectory, logFile, Map.of())
                : ChildProcess.startDetached(command, dataDirectory, logFile, Map.of());
        try {
            Waits.until("S3Proxy to answer on " + endpoint() + " (log: " + logFile + ")", READY_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "S3Proxy exited with code " + process.exitValue() + " before it was ready; see " + logFile);
                }
                return answers();
            });
        } catch (RuntimeException e) {
            ChildProcess.stop(process.toHandle());
            throw e;
        }
        return process;
    }

    /** True when something answers HTTP on the endpoint (any status: an unsigned request is refused with 403). */
    public boolean answers() {
        try {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(1))
                    .build();
            client.send(
                    HttpRequest.newBuilder(URI.create(endpoint() + "/"))
                            .timeout(Duration.ofSeconds(2))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Path writeProperties() {
        try {
            Path blobs = Files.createDirectories(dataDirectory.resolve("blobs"));
            Properties properties = new Properties();
            properties.setProperty("s3proxy.endpoint", endpoint());
            properties.setProperty("s3proxy.authorization", "aws-v2-or-v4");
            properties.setProperty("s3proxy.identity", accessKey);
            properties.setProperty("s3proxy.credential", secretKey);
            properties.setProperty("jclouds.provider", "filesystem");
            properties.setProperty(
                    "jclouds.filesystem.basedir", blobs.toAbsolutePath().toString());
            Path file = dataDirectory.resolve("s3proxy.properties");
            if (!Files.exists(file)) {
                // It holds the secret key: owner-only, like the launcher's credentials file.
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            try (Writer writer = Files.newBufferedWriter(file)) {
                properties.store(writer, "S3Proxy configuration written by Tunestream");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the S3Proxy configuration under " + dataDirectory, e);
        }
    }
}
