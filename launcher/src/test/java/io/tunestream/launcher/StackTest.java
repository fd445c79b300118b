package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.infra.Ports;
import io.tunestream.infra.PostgresAdmin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real local stack (Kafka, S3Proxy, PostgreSQL databases, the five packaged services) on free ports with its
 * own state directory and database names, beside any stack a developer has running.
 */
class StackTest {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path home;

    private final PostgresAdmin postgres = PostgresAdmin.local();
    private final StackSettings settings = freeSettings();
    private Stack stack;

    @AfterEach
    void stopAndDropDatabases() {
        if (stack != null) {
            stack.down();
        }
        if (postgres.isRunning()) {
            for (String owner : Stack.DATABASE_OWNERS) {
                postgres.dropDatabase(settings.databaseName(owner), settings.databaseName(owner));
            }
        }
    }

    @Test
    void shouldBringEveryComponentUpOnceStopExactlyItsProcessesAndReuseItsDataAfterwards() throws Exception {
        for (String module : settings.servicePorts().keySet()) {
            assertThat(REPOSITORY.resolve(module).resolve("target/quarkus-app/quarkus-run.jar"))
                    .as("%s is packaged before the launcher's tests run (reactor order)", module).isRegularFile();
        }
        stack = new Stack(new StackLayout(REPOSITORY, home), postgres, settings);

        assertThat(stack.up(quiet())).isTrue();

        Map<String, Long> pids = new LinkedHashMap<>();
        for (Component component : stack.components()) {
            Component.Health health = component.probe();
            assertThat(health.ready()).as("%s ready (%s)", component.name(), health.description()).isTrue();
            pids.put(component.name(), stack.running(component).orElseThrow().pid());
        }
        assertThat(httpStatus("http://127.0.0.1:" + settings.servicePorts().get("gateway") + "/q/health/ready")).isEqualTo(200);
        String clusterId = Files.readString(home.resolve("data/kafka/meta.properties"));

        assertThat(stack.up(quiet())).as("a second up starts nothing").isFalse();
        for (Component component : stack.components()) {
            assertThat(stack.running(component).orElseThrow().pid()).isEqualTo(pids.get(component.name()));
        }

        List<String> stopped = stack.down();

        assertThat(stopped).containsExactly("gateway", "registry-service", "training-service", "generation-service",
                "dataset-service", "object-store", "kafka");
        for (long pid : pids.values()) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d stopped", pid).isFalse();
        }
        assertThat(Ports.isFree(settings.kafkaPort())).isTrue();

        assertThat(stack.up(quiet())).isTrue();
        assertThat(Files.readString(home.resolve("data/kafka/meta.properties"))).as("the broker kept its storage").isEqualTo(clusterId);
        assertThat(Files.readString(home.resolve("logs/registry-service.log")))
                .as("the registry database kept its migrated schema").contains("is up to date. No migration necessary");
    }

    @Test
    void shouldRefuseToStartAnythingWhenAPortIsTakenAndNameThePortAndComponent() throws IOException {
        stack = new Stack(new StackLayout(REPOSITORY, home), postgres, settings);
        int objectStorePort = settings.objectStorePort();
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(objectStorePort));

            assertThatThrownBy(() -> stack.up(quiet()))
                    .isInstanceOf(LauncherException.class)
                    .hasMessageContaining("port " + objectStorePort + " for object-store is already in use");
        }
        for (Component component : stack.components()) {
            assertThat(stack.running(component)).as("%s not started", component.name()).isEmpty();
        }
    }

    private static StackSettings freeSettings() {
        Map<String, Integer> services = new LinkedHashMap<>();
        for (String module : StackSettings.defaults().servicePorts().keySet()) {
            services.put(module, Ports.freePort());
        }
        String prefix = "ts_launcher_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
        return new StackSettings(Ports.freePort(), Ports.freePort(), Ports.freePort(), services, prefix);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    private static int httpStatus(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
