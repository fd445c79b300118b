package io.tunestream.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3ProxyServerTest {

    @TempDir
    Path directory;

    static Path serverJar() {
        return Path.of(System.getProperty("tunestream.s3proxy.jar"));
    }

    @Test
    void shouldAnswerHttpOnceStartedAndStopWithItsProcess() {
        S3ProxyServer server = new S3ProxyServer(serverJar(), directory, Ports.freePort(), "access", "secret-key-1");
        Process process = server.start(true, directory.resolve("s3proxy.log"));
        try {
            assertThat(server.answers()).isTrue();
        } finally {
            ChildProcess.stop(process.toHandle());
        }
        assertThat(process.isAlive()).isFalse();
        assertThat(server.answers()).isFalse();
    }

    @Test
    void shouldNotOutliveAStarterThatIsKilled() throws IOException {
        int port = Ports.freePort();
        Path pidFile = directory.resolve("s3proxy.pid");
        String classPath = ChildProcess.classPath(List.of(
                ChildProcess.codeSourceOf(S3ProxyServer.class).toString(),
                ChildProcess.codeSourceOf(S3ProxyStarter.class).toString()));
        Process starter = ChildProcess.start(
                List.of(
                        ChildProcess.javaExecutable(),
                        "-cp",
                        classPath,
                        S3ProxyStarter.class.getName(),
                        serverJar().toString(),
                        directory.toString(),
                        String.valueOf(port),
                        pidFile.toString()),
                directory,
                directory.resolve("starter.log"),
                Map.of());
        Waits.until(
                "the starter to start S3Proxy",
                Duration.ofSeconds(60),
                () -> Files.exists(pidFile) || !starter.isAlive());
        assertThat(starter.isAlive())
                .as("starter alive; its log: %s", directory.resolve("starter.log"))
                .isTrue();
        ProcessHandle server = ProcessHandle.of(
                        Long.parseLong(Files.readString(pidFile).trim()))
                .orElseThrow();
        assertThat(server.isAlive()).isTrue();

        starter.destroyForcibly();

        Waits.until("S3Proxy to stop after its starter was killed", Duration.ofSeconds(20), () -> !server.isAlive());
        assertThat(Ports.isListening("127.0.0.1", port)).isFalse();
    }

    /** A process that starts S3Proxy bound to itself, records the server's pid, and waits to be killed. */
    public static final class S3ProxyStarter {
        public static void main(String[] args) throws Exception {
            Path directory = Path.of(args[1]);
            S3ProxyServer server =
                    new S3ProxyServer(Path.of(args[0]), directory, Integer.parseInt(args[2]), "access", "secret-key-1");
            Process process = server.start(true, directory.resolve("s3proxy.log"));
            Path pidFile = Path.of(args[3]);
            Path partial = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
            Files.writeString(partial, String.valueOf(process.pid()));
            Files.move(partial, pidFile);
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
