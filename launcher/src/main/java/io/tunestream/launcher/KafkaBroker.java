package io.tunestream.launcher;

import io.tunestream.infra.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A real Apache Kafka broker in KRaft mode (broker and controller in one node) as a child JVM, its log directories
 * under {@code data/kafka} so that topics and committed offsets survive {@code down}/{@code up}.
 */
final class KafkaBroker implements Component {

    static final String NAME = "kafka";
    /** A first start formats the storage and elects the controller; later starts replay the metadata log. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private static final String MAIN_CLASS = "kafka.Kafka";

    private final int port;
    private final int controllerPort;

    KafkaBroker(int port, int controllerPort) {
        this.port = port;
        this.controllerPort = controllerPort;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Integer> ports() {
        return List.of(port, controllerPort);
    }

    @Override
    public String url() {
        return bootstrapServers();
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public String processMarker() {
        return MAIN_CLASS;
    }

    @Override
    public Process start(StackLayout layout) {
        Path logDirectory = layout.dataDirectory(NAME);
        Path properties = writeServerProperties(layout, logDirectory);
        String classPath = layout.launcherLibraries().resolve("*").toString();
        List<String> java = List.of(
                ChildProcess.javaExecutable(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=" + writeLoggingConfiguration(layout),
                "-cp",
                classPath);
        if (!Files.exists(logDirectory.resolve("meta.properties"))) {
            format(java, properties, layout);
        }
        return ChildProcess.startDetached(
                concat(java, List.of(MAIN_CLASS, properties.toString())),
                layout.home(),
                layout.logFile(NAME),
                Map.of());
    }

    /** Formats the storage once, with a new cluster id; later starts reuse it with its data. */
    private void format(List<String> java, Path properties, StackLayout layout) {
        Process format = ChildProcess.start(
                concat(
                        java,
                        List.of(
                                "kafka.tools.StorageTool",
                                "format",
                                "-t",
                                newClusterId(),
                                "-c",
                                properties.toString())),
                layout.home(),
                layout.logFile(NAME),
                Map.of());
        try {
            if (!format.waitFor(2, TimeUnit.MINUTES) || format.exitValue() != 0) {
                throw new IllegalStateException("formatting the Kafka storage failed; see " + layout.logFile(NAME));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting the Kafka storage", e);
        }
    }

    @Override
    public Health probe() {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                    .nodes()
                    .get(4, TimeUnit.SECONDS)
                    .size();
            return nodes > 0 ? Health.up("UP (" + nodes + " broker)") : Health.down("DOWN (no broker in the cluster)");
        } catch (Exception e) {
            return Health.down("not answering");
        }
    }

    private Path writeServerProperties(StackLayout layout, Path logDirectory) {
        String content = String.join(
                "\n",
                "# Written by the Tunestream launcher at every start.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + logDirectory.toAbsolutePath(),
                "num.partitions=3",
                "auto.create.topics.enable=true",
                // One node: internal topics cannot be replicated.
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "");
        return write(layout.configDirectory().resolve("kafka-server.properties"), content);
    }

    private static Path writeLoggingConfiguration(StackLayout layout) {
        return write(
                layout.configDirectory().resolve("kafka-log4j2.properties"),
                String.join(
                        "\n",
                        "rootLogger.level=INFO",
                        "rootLogger.appenderRef.stdout.ref=STDOUT",
                        "appender.stdout.type=Console",
                        "appender.stdout.name=STDOUT",
                        "appender.stdout.layout.type=PatternLayout",
                        "appender.stdout.layout.pattern=[%d] %p %m (%c)%n",
                        "logger.kafka.name=kafka",
                        "logger.kafka.level=WARN",
                        "logger.apache.name=org.apache.kafka",
                        "logger.apache.level=WARN",
                        ""));
    }

    private static Path write(Path file, String content) {
        try {
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (what {@code StorageTool random-uuid} prints). */
    private static String newClusterId() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes =
                ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
