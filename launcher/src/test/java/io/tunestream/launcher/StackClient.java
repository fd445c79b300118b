package io.tunestream.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.EventJson;
import io.tunestream.events.TunestreamEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import io.tunestream.infra.Waits;
import io.tunestream.platform.security.InternalToken;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a test needs to talk to a stack it started: the services' REST APIs, the broker's topics (read from the
 * start, published to) and condition waits whose timeout carries the end of the named services' logs.
 */
final class StackClient {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int LOG_LINES = 40;

    private final StackSettings settings;
    private final StackLayout layout;
    private String internalToken;

    StackClient(StackSettings settings, StackLayout layout) {
        this.settings = settings;
        this.layout = layout;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + settings.kafkaPort();
    }

    URI uri(String service, String path) {
        return URI.create("http://127.0.0.1:" + settings.servicePorts().get(service) + path);
    }

    HttpResponse<String> get(String service, String path) {
        return send(HttpRequest.newBuilder(uri(service, path)).GET().build());
    }

    HttpResponse<String> post(String service, String path, String json) {
        return send(HttpRequest.newBuilder(uri(service, path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    HttpResponse<String> put(String service, String path, String json) {
        return send(HttpRequest.newBuilder(uri(service, path))
                .header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    /** Posts a file as the body, with its content type. */
    HttpResponse<String> postFile(String service, String path, String contentType, Path file) {
        try {
            return send(HttpRequest.newBuilder(uri(service, path))
                    .header("content-type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofFile(file))
                    .build());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    HttpResponse<String> send(HttpRequest request) {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A request whose body is streamed (a model file, say), not held in memory. */
    HttpResponse<InputStream> sendForStream(HttpRequest request) {
        return send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * Sends the request with the stack's internal token, as the gateway does: the services of a launched stack answer
     * nothing else (but {@code /q/}).
     */
    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        HttpRequest withToken = HttpRequest.newBuilder(request, (name, value) -> true)
                .header(InternalToken.HEADER, internalToken())
                .build();
        try {
            return HTTP.send(withToken, body);
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(request.method() + " " + request.uri() + " interrupted", e);
        }
    }

    /** The token the stack's launcher gave its services (read once the stack has written its credentials). */
    synchronized String internalToken() {
        if (internalToken == null) {
            internalToken = Stack.internalToken(Credentials.loadOrCreate(layout.credentialsFile()));
        }
        return internalToken;
    }

    /** The body of a 2xx GET as JSON; anything else fails with the status and body. */
    JsonNode getJson(String service, String path) {
        HttpResponse<String> response = get(service, path);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    "GET " + path + " on " + service + ": " + response.statusCode() + " " + response.body());
        }
        return json(response.body());
    }

    static JsonNode json(String body) {
        try {
            return EventJson.mapper().readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    void publish(URI source, TunestreamEvent... events) throws ExecutionException, InterruptedException {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (TunestreamEvent event : events) {
                producer.send(new ProducerRecord<>(
                                event.topic().topicName(),
                                null,
                                event.partitionKey(),
                                EventJson.toBytes(event),
                                CloudEventsKafka.headers(event, source)))
                        .get();
            }
        }
    }

    void publishRaw(String topic, String key, byte[] value) throws ExecutionException, InterruptedException {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    /** A record's event with the broker's timestamp of the record. */
    record Stamped<E>(E event, long timestamp) {}

    /** Every event of a topic up to its end as of now, with its record's timestamp. */
    <E extends TunestreamEvent> List<Stamped<E>> events(String topic, Class<E> type) {
        return readAll(topic).stream()
                .map(record -> new Stamped<>(EventJson.fromBytes(record.value(), type), record.timestamp()))
                .toList();
    }

    /** Every record of a topic up to its end as of now (none when the topic does not exist yet). */
    List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "stack-test-" + UUID.randomUUID());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.listTopics(Duration.ofSeconds(10)).getOrDefault(topic, List.of()).stream()
                            .map(info -> new TopicPartition(topic, info.partition()))
                            .toList();
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            if (partitions.isEmpty()) {
                return records;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** Waits until {@code group} has committed every record of {@code topic} that exists now. */
    void awaitConsumed(String group, String topic, Duration timeout) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new LinkedHashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
            Waits.until(group + " caught up with " + topic, timeout, () -> {
                Map<TopicPartition, OffsetAndMetadata> committed;
                try {
                    committed = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get();
                } catch (InterruptedException | ExecutionException e) {
                    throw new IllegalStateException("cannot read the offsets of " + group, e);
                }
                return ends.entrySet().stream()
                        .allMatch(end -> end.getValue() == 0
                                || (committed.get(end.getKey()) != null
                                        && committed.get(end.getKey()).offset() >= end.getValue()));
            });
        }
    }

    /** Waits for a condition; on a timeout the error carries the end of the named services' logs. */
    void awaitWithLogs(String what, Duration timeout, BooleanSupplier condition, String... services) {
        try {
            Waits.until(what, timeout, condition);
        } catch (IllegalStateException timedOut) {
            throw new AssertionError(timedOut.getMessage() + logTails(services), timedOut);
        }
    }

    /** The last lines of each service's log, to explain a failure. */
    String logTails(String... services) {
        StringBuilder logs = new StringBuilder();
        for (String service : services) {
            try {
                List<String> lines = Files.readAllLines(layout.logFile(service));
                logs.append("\n--- ")
                        .append(service)
                        .append(" log, last lines ---\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size())));
            } catch (IOException e) {
                logs.append("\n(no log of ")
                        .append(service)
                        .append(": ")
                        .append(e.getMessage())
                        .append(')');
            }
        }
        return logs.toString();
    }
}
