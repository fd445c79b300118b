package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.infra.Ports;
import io.tunestream.infra.PostgresAdmin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real local stack (Kafka, S3Proxy, PostgreSQL databases, the five packaged services) on free ports with its
 * own state directory and database names, beside any stack a developer has running.
 */
class StackIT {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path home;

    private final PostgresAdmin postgres = PostgresAdmin.local();
    private final StackSettings settings = TestStacks.freeSettings("ts_launcher");
    private Stack stack;

    @AfterEach
    void stopAndDropDatabases() {
        TestStacks.tearDown(stack, postgres, settings);
    }

    @Test
    void shouldBringEveryComponentUpOnceStopExactlyItsProcessesAndKeepTopicsOffsetsAndObjectsAcrossARestart()
            throws Exception {
        for (String module : settings.servicePorts().keySet()) {
            assertThat(REPOSITORY.resolve(module).resolve("target/quarkus-app/quarkus-run.jar"))
                    .as("%s is packaged before the launcher's tests run (reactor order)", module)
                    .isRegularFile();
        }
        stack = new Stack(new StackLayout(REPOSITORY, home), postgres, settings);

        assertThat(stack.up(quiet())).isTrue();

        Map<String, Long> pids = new LinkedHashMap<>();
        for (Component component : stack.components()) {
            Component.Health health = component.probe();
            assertThat(health.ready())
                    .as("%s ready (%s)", component.name(), health.description())
                    .isTrue();
            pids.put(component.name(), stack.running(component).orElseThrow().pid());
        }
        assertThat(httpStatus("http://127.0.0.1:" + settings.servicePorts().get("gateway") + "/q/health/ready"))
                .isEqualTo(200);
        String clusterId = Files.readString(home.resolve("data/kafka/meta.properties"));
        String topic = "stack-test.probe";
        String objectName = "probe/" + UUID.randomUUID() + ".txt";
        produceAndCommit(topic, "kept across restarts");
        objectStore().put(objectName, "kept".getBytes(StandardCharsets.UTF_8), null);

        assertThat(stack.up(quiet())).as("a second up starts nothing").isFalse();
        for (Component component : stack.components()) {
            assertThat(stack.running(component).orElseThrow().pid()).isEqualTo(pids.get(component.name()));
        }

        List<String> stopped = stack.down();

        assertThat(stopped)
                .containsExactly(
                        "gateway",
                        "registry-service",
                        "training-service",
                        "generation-service",
                        "dataset-service",
                        "object-store",
                        "kafka");
        for (long pid : pids.values()) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("pid %d stopped", pid)
                    .isFalse();
        }
        for (Component component : stack.components()) {
            for (int port : component.ports()) {
                assertThat(Ports.isFree(port))
                        .as("port %d of %s free after down", port, component.name())
                        .isTrue();
            }
        }

        assertThat(stack.up(quiet())).isTrue();
        assertThat(Files.readString(home.resolve("data/kafka/meta.properties")))
                .as("the broker kept its storage")
                .isEqualTo(clusterId);
        assertThat(Files.readString(home.resolve("logs/registry-service.log")))
                .as("the registry database kept its migrated schema")
                .contains("is up to date. No migration necessary");
        try (InputStream kept = objectStore().open(objectName)) {
            assertThat(new String(kept.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("kept");
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata()
                    .get();
            assertThat(committed.get(new TopicPartition(topic, 0)).offset())
                    .as("the committed offset survived")
                    .isEqualTo(1);
        }
    }

    private static final String GROUP = "stack-test";

    private String bootstrapServers() {
        return "127.0.0.1:" + settings.kafkaPort();
    }

    private io.tunestream.platform.storage.ObjectStore objectStore() {
        return new ObjectStore(
                        settings.objectStorePort(), Credentials.loadOrCreate(home.resolve("credentials.properties")))
                .store();
    }

    /** Produces one record to a one-partition topic and commits it for {@link #GROUP}. */
    private void produceAndCommit(String topic, String value) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "key", value)).get();
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        GROUP,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        "false"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                records = consumer.poll(Duration.ofMillis(500));
            }
            assertThat(records.count()).isEqualTo(1);
            consumer.commitSync();
        }
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
            assertThat(stack.running(component))
                    .as("%s not started", component.name())
                    .isEmpty();
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    private static int httpStatus(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
