package io.tunestream.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.EventJson;
import io.tunestream.events.SampleEvent;
import io.tunestream.events.SamplingParameters;
import io.tunestream.events.kafka.CloudEventsKafka;
import io.tunestream.infra.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The loop a chaos or soak run keeps busy: a model imported into the registry (manual promotion policy, so every
 * trained version is registered as the candidate and production stays put), an SFT dataset, a dpo pipeline sealing a
 * version every {@code everyNew} pairs (each one a training job), and a feed publishing samples on the bus at a steady
 * pace, as an external producer would. The feed retries a sample the broker did not acknowledge (the broker may be
 * down), so every sample it counts as published was acknowledged at least once.
 */
public final class LoopWorkload implements AutoCloseable {

    public static final String MODEL = "tiny-llama";

    private static final URI SOURCE = URI.create("urn:tunestream:chaos");
    private static final Duration SETUP_WAIT = Duration.ofMinutes(3);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final ChaosTarget target;
    private final List<JsonNode> samples;
    private final String dataset;
    private final String pipeline;
    private final Set<String> published = new HashSet<>();
    private final AtomicInteger publishFailures = new AtomicInteger();
    private volatile boolean stopping;
    private Thread feed;

    /**
     * @param samples Alpaca records, published in order (distinct records: the dataset stores a content once)
     */
    public LoopWorkload(ChaosTarget target, List<JsonNode> samples, String label) {
        this.target = target;
        this.samples = List.copyOf(samples);
        this.dataset = label + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.pipeline = dataset + "-dpo";
    }

    /** Reads the Alpaca records of a JSONL file. */
    public static List<JsonNode> readSamples(Path jsonl) {
        try {
            return Files.readAllLines(jsonl).stream()
                    .filter(line -> !line.isBlank())
                    .map(line -> {
                        try {
                            return EventJson.mapper().readTree(line);
                        } catch (IOException e) {
                            throw new UncheckedIOException("not JSON in " + jsonl + ": " + line, e);
                        }
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jsonl, e);
        }
    }

    public String dataset() {
        return dataset;
    }

    public String pipeline() {
        return pipeline;
    }

    /** Imports the model, sets the manual policy, creates the dataset and the pipeline. */
    public void setUp(Path modelDirectory, int everyNew) {
        expect(
                target.call(
                        "registry-service",
                        "POST",
                        "/models/" + MODEL + "/import",
                        "{\"directory\": \"" + modelDirectory + "\"}"),
                201);
        expect(target.call("registry-service", "PUT", "/models/" + MODEL + "/policy", "{\"mode\": \"manual\"}"), 200);
        // A pipeline created while the dataset-service applies the promotion would wait for the next one.
        Waits.until(
                "the dataset-service applied the import's promotion",
                SETUP_WAIT,
                () -> target.query("dataset", "select count(*) from model_production where model = '" + MODEL + "'")
                        .trim()
                        .equals("1"));
        expect(
                target.call(
                        "dataset-service", "POST", "/datasets", "{\"name\": \"" + dataset + "\", \"kind\": \"sft\"}"),
                201);
        // Sampled with a fixed seed, not greedy: the untrained model's greedy answer is often empty (a drop).
        String sampling;
        try {
            sampling = EventJson.mapper()
                    .writeValueAsString(new SamplingParameters(1.0, null, null, 24, 1, List.of(), null, null, 7L));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        expect(
                target.call(
                        "dataset-service",
                        "POST",
                        "/pipelines",
                        "{\"name\": \"" + pipeline + "\", \"dataset\": \"" + dataset + "\", \"model\": \"" + MODEL
                                + "\", \"recipe\": \"dpo\", \"sampling\": " + sampling
                                + ", \"trigger\": {\"everyNew\": " + everyNew + "}}"),
                201);
    }

    /** Starts publishing the samples, one every {@code interval}, on a background thread. */
    public void startFeed(Duration interval) {
        feed = new Thread(() -> feed(interval), "chaos-sample-feed");
        feed.setDaemon(true);
        feed.start();
    }

    private void feed(Duration interval) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (JsonNode record : samples) {
                while (!stopping && !publish(producer, record)) {
                    publishFailures.incrementAndGet();
                    sleep(RETRY);
                }
                if (stopping) {
                    return;
                }
                sleep(interval);
            }
        }
    }

    private boolean publish(KafkaProducer<String, byte[]> producer, JsonNode record) {
        SampleEvent event = SampleEvent.of(dataset, null, record);
        try {
            producer.send(new ProducerRecord<>(
                            event.topic().topicName(),
                            null,
                            event.partitionKey(),
                            EventJson.toBytes(event),
                            CloudEventsKafka.headers(event, SOURCE)))
                    .get(40, TimeUnit.SECONDS);
            synchronized (published) {
                published.add(record.toString());
            }
            return true;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            return false;
        }
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /** Whether every sample was published (the feed is done). */
    public boolean fed() {
        return feed != null && !feed.isAlive();
    }

    /** Distinct samples the broker acknowledged. */
    public int published() {
        synchronized (published) {
            return published.size();
        }
    }

    /** Sends that failed and were retried (the broker was down). */
    public int publishFailures() {
        return publishFailures.get();
    }

    /** Stops the feed after the sample it is publishing, and waits for it. */
    @Override
    public void close() {
        stopping = true;
        if (feed != null) {
            try {
                feed.join(Duration.ofSeconds(60).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(
                    response.request().method() + " " + response.request().uri() + " answered " + response.statusCode()
                            + " (expected " + status + "): " + response.body());
        }
    }
}
