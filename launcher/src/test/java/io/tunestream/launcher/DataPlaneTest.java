package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.EventIds;
import io.tunestream.events.EventJson;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.SamplingParameters;
import io.tunestream.events.TunestreamEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import io.tunestream.infra.PostgresAdmin;
import io.tunestream.infra.Waits;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationResult;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.SchedulerSettings;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DPO data plane as deployed: the packaged dataset-service and generation-service as processes on a real broker,
 * S3 server and PostgreSQL, with this test playing the registry. An SFT upload and a promoted scratch model become
 * prompts, generations and one pair or counted drop per sample; the generation-service is killed (SIGKILL) while it
 * works and started again, and no prompt is lost; poison records go to their dead-letter topics; replayed
 * generations add nothing; the sealed version's files match its manifest.
 */
class DataPlaneTest {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Duration WAIT = Duration.ofMinutes(2);
    /** The model name the generation-service serves by default. */
    private static final String MODEL = "tiny-llama";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path home;
    @TempDir
    Path work;

    private final PostgresAdmin postgres = PostgresAdmin.local();
    private final StackSettings settings = TestStacks.freeSettings("ts_dataplane");
    private Stack stack;

    @AfterEach
    void stopAndDropDatabases() {
        TestStacks.tearDown(stack, postgres, settings);
    }

    @Test
    void everySampleGetsOnePairOrOneCountedDropAcrossAGenerationServiceKill() throws Exception {
        Path corpus = work.resolve("corpus");
        SyntheticCorpus.write(corpus, new CorpusSpec(11, 60, 0, 1, EnumSet.allOf(TaskFamily.class)));
        Path modelDirectory = work.resolve("model");
        ScratchModel.create(modelDirectory, corpus.resolve(SyntheticCorpus.SFT_FILE),
                new ScratchModelSpec(11, 300, 32, 1, 2, 1, 64, 256));
        stack = new Stack(new StackLayout(REPOSITORY, home), postgres, settings);
        assertThat(stack.up(new PrintStream(new ByteArrayOutputStream()))).isTrue();

        // The registry's part: version 1 in the object store, then its promotion.
        publish(promotion(uploadModel(modelDirectory)));
        String dataset = "arith-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(post("dataset-service", "/datasets", "{\"name\": \"" + dataset + "\", \"kind\": \"sft\"}").statusCode())
                .isEqualTo(201);
        HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(uri("dataset-service", "/datasets/" + dataset + "/uploads"))
                .header("content-type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofFile(corpus.resolve(SyntheticCorpus.SFT_FILE))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        int samples = json(upload.body()).get("added").asInt();
        assertThat(samples).isGreaterThan(200);

        String pipeline = dataset + "-dpo";
        // Sampled, not greedy: the untrained scratch model's greedy answer is often its end token at once (an empty,
        // dropped answer). Up to 48 new tokens each: long enough that the kill below lands mid-run.
        String sampling = EventJson.mapper().writeValueAsString(
                new SamplingParameters(1.0, null, null, 48, 1, List.of(), null, null, 5L));
        assertThat(post("dataset-service", "/pipelines", "{\"name\": \"" + pipeline + "\", \"dataset\": \"" + dataset
                + "\", \"model\": \"" + MODEL + "\", \"recipe\": \"dpo\", \"sampling\": " + sampling + "}").statusCode())
                .isEqualTo(201);

        String poisonKey = "poison-" + dataset;
        publishRaw("tunestream.prompts", poisonKey, "{\"promptHash\": 7".getBytes(StandardCharsets.UTF_8));
        publishRaw("tunestream.generations", poisonKey, "not an event".getBytes(StandardCharsets.UTF_8));

        // Kill the generation-service as soon as its first answers are paired, then start it again.
        awaitWithLogs("the first pairs", () -> outcomeTotal(pipeline) > 0);
        long beforeKill = outcomeTotal(pipeline);
        Component generation = stack.components().stream().filter(c -> c.name().equals("generation-service"))
                .findFirst().orElseThrow();
        ProcessHandle killed = stack.running(generation).orElseThrow();
        killed.destroyForcibly();
        killed.onExit().get();
        assertThat(beforeKill).as("killed mid-run").isLessThan(samples);
        assertThat(stack.up(new PrintStream(new ByteArrayOutputStream()))).as("up restarts what was killed").isTrue();

        awaitWithLogs("one outcome per sample", () -> outcomeTotal(pipeline) >= samples);
        JsonNode pipelineView = json(get("dataset-service", "/pipelines/" + pipeline).body());
        assertThat(pipelineView.get("prompts").asLong()).isEqualTo(samples);
        Map<String, Long> outcomes = outcomes(pipeline);
        assertThat(outcomes.values().stream().mapToLong(Long::longValue).sum()).as("outcomes " + outcomes).isEqualTo(samples);
        assertThat(deadLetterKeys("tunestream.prompts.dlq")).contains(poisonKey);
        assertThat(deadLetterKeys("tunestream.generations.dlq")).contains(poisonKey);

        // Every generation again, as a redelivery would bring them: nothing changes.
        List<ConsumerRecord<String, byte[]>> generations = readAll("tunestream.generations").stream()
                .filter(record -> !poisonKey.equals(record.key())).toList();
        assertThat(generations.size()).isGreaterThanOrEqualTo(samples);
        List<GenerationEvent> answered = generations.stream()
                .map(record -> EventJson.fromBytes(record.value(), GenerationEvent.class)).toList();
        assertThat(answered).allSatisfy(event -> assertThat(event.modelVersion()).isEqualTo(1));
        publish(answered.toArray(TunestreamEvent[]::new));
        awaitConsumed("dataset-service.generations", "tunestream.generations");
        assertThat(outcomes(pipeline)).as("a replay adds no pair and no drop").isEqualTo(outcomes);

        HttpResponse<String> sealed = post("dataset-service", "/pipelines/" + pipeline + "/seal", "");
        assertThat(sealed.statusCode()).as(sealed.body() + "; outcomes " + outcomes).isEqualTo(201);
        int version = json(sealed.body()).get("versions").get(0).asInt();
        JsonNode manifest = json(get("dataset-service", "/datasets/" + dataset + "/versions/" + version).body());
        long records = 0;
        for (String file : List.of("train.jsonl", "eval.jsonl")) {
            HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(uri("dataset-service",
                    "/datasets/" + dataset + "/versions/" + version + "/files/" + file)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            JsonNode entry = manifest.get("files").get(file);
            assertThat(sha256(download.body())).as(file).isEqualTo(entry.get("sha256").asText());
            long lines = new String(download.body(), StandardCharsets.UTF_8).lines().count();
            assertThat(lines).isEqualTo(entry.get("records").asLong());
            records += lines;
        }
        assertThat(records).as("every pair is in the version").isEqualTo(outcomes.getOrDefault("pairs", 0L));
        List<DatasetVersionEvent> versions = readAll("tunestream.dataset-versions").stream()
                .map(record -> EventJson.fromBytes(record.value(), DatasetVersionEvent.class))
                .filter(event -> event.dataset().equals(dataset)).toList();
        assertThat(versions).singleElement().satisfies(event -> {
            assertThat(event.version()).isEqualTo(version);
            assertThat(event.train().sha256()).isEqualTo(manifest.get("files").get("train.jsonl").get("sha256").asText());
        });
    }

    /**
     * Prompts -> pairs throughput of the whole data plane (dataset-service renders and publishes, generation-service
     * answers, dataset-service pairs) beside the raw batched engine and the one-prompt-at-a-time loop on the same
     * prompts and model, in one run. Greedy decoding, so every path generates the same tokens. Off by default:
     * {@code ./mvnw -B -pl launcher verify -Dtest=DataPlaneTest -Dtunestream.bench.data-plane=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "tunestream.bench.data-plane", matches = "true")
    void benchmarkPromptsToPairsAgainstTheRawEngine() throws Exception {
        int maxTokens = 32;
        Path corpus = work.resolve("corpus");
        SyntheticCorpus.write(corpus, new CorpusSpec(13, 100, 0, 3, EnumSet.allOf(TaskFamily.class)));
        Path modelDirectory = work.resolve("model");
        // The tiny preset's shape: large enough that the engine, not the plumbing, should set the pace.
        ScratchModel.create(modelDirectory, corpus.resolve(SyntheticCorpus.SFT_FILE),
                new ScratchModelSpec(13, 1024, 128, 4, 4, 2, 352, 512));
        stack = new Stack(new StackLayout(REPOSITORY, home), postgres, settings);
        assertThat(stack.up(new PrintStream(new ByteArrayOutputStream()))).isTrue();
        publish(promotion(uploadModel(modelDirectory)));
        String dataset = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        post("dataset-service", "/datasets", "{\"name\": \"" + dataset + "\", \"kind\": \"sft\"}");
        HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(uri("dataset-service", "/datasets/" + dataset + "/uploads"))
                .header("content-type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofFile(corpus.resolve(SyntheticCorpus.SFT_FILE))).build(),
                HttpResponse.BodyHandlers.ofString());
        int samples = json(upload.body()).get("added").asInt();

        String pipeline = dataset + "-dpo";
        long started = System.nanoTime();
        post("dataset-service", "/pipelines", "{\"name\": \"" + pipeline + "\", \"dataset\": \"" + dataset
                + "\", \"model\": \"" + MODEL + "\", \"recipe\": \"dpo\", \"sampling\": "
                + EventJson.mapper().writeValueAsString(SamplingParameters.greedy(maxTokens)) + "}");
        Waits.until("one outcome per sample", Duration.ofMinutes(20), () -> outcomeTotal(pipeline) >= samples);
        long serviceNanos = System.nanoTime() - started;
        long finishedAt = System.currentTimeMillis();
        long startedAt = finishedAt - serviceNanos / 1_000_000;
        // Where the time went, from the brokers' record timestamps.
        for (String topic : List.of("tunestream.prompts", "tunestream.generations")) {
            List<Long> times = readAll(topic).stream().map(ConsumerRecord::timestamp).filter(t -> t >= startedAt).sorted().toList();
            System.out.printf(Locale.ROOT, "BENCH hop %s records=%d first=+%.1fs last=+%.1fs%n", topic, times.size(),
                    (times.get(0) - startedAt) / 1e3, (times.get(times.size() - 1) - startedAt) / 1e3);
        }
        System.out.printf(Locale.ROOT, "BENCH hop every outcome stored=+%.1fs%n", (finishedAt - startedAt) / 1e3);
        long serviceTokens = readAll("tunestream.generations").stream()
                .map(record -> EventJson.fromBytes(record.value(), GenerationEvent.class))
                .filter(event -> event.pipeline().equals(pipeline)).mapToLong(GenerationEvent::completionTokens).sum();
        List<String> prompts = readAll("tunestream.prompts").stream()
                .map(record -> EventJson.fromBytes(record.value(), io.tunestream.events.PromptEvent.class))
                .filter(event -> event.pipeline().equals(pipeline)).map(io.tunestream.events.PromptEvent::prompt).toList();
        stack.down();
        stack = null;

        try (Tokenizer tokenizer = Tokenizer.load(modelDirectory); LlamaModel model = LlamaModel.load(modelDirectory);
                GenerationScheduler scheduler = new GenerationScheduler(model, ids -> tokenizer.decode(ids, true),
                        Arrays.stream(tokenizer.eosTokenIds()).boxed().collect(Collectors.toSet()),
                        new SchedulerSettings(32, prompts.size()))) {
            int[][] ids = prompts.stream().map(prompt -> tokenizer.encode(prompt, false)).toArray(int[][]::new);
            SamplingParams greedy = SamplingParams.greedy(maxTokens);
            long rawStarted = System.nanoTime();
            List<CompletableFuture<GenerationResult>> results = new ArrayList<>();
            for (int[] prompt : ids) {
                results.add(scheduler.submit(new GenerationRequest(prompt, greedy)));
            }
            long rawTokens = results.stream().mapToLong(result -> result.join().completionTokens()).sum();
            long rawNanos = System.nanoTime() - rawStarted;
            int sequential = Math.min(32, ids.length);
            long sequentialStarted = System.nanoTime();
            long sequentialTokens = 0;
            for (int i = 0; i < sequential; i++) {
                sequentialTokens += scheduler.generate(new GenerationRequest(ids[i], greedy)).completionTokens();
            }
            long sequentialNanos = System.nanoTime() - sequentialStarted;
            double service = samples / (serviceNanos / 1e9);
            double raw = ids.length / (rawNanos / 1e9);
            System.out.printf(Locale.ROOT, "BENCH data_plane prompts=%d pairs_or_drops_per_s=%.1f tokens_per_s=%.1f%n",
                    samples, service, serviceTokens / (serviceNanos / 1e9));
            System.out.printf(Locale.ROOT, "BENCH raw_batched prompts=%d prompts_per_s=%.1f tokens_per_s=%.1f%n",
                    ids.length, raw, rawTokens / (rawNanos / 1e9));
            System.out.printf(Locale.ROOT, "BENCH raw_sequential prompts=%d prompts_per_s=%.1f tokens_per_s=%.1f%n",
                    sequential, sequential / (sequentialNanos / 1e9), sequentialTokens / (sequentialNanos / 1e9));
            System.out.printf(Locale.ROOT, "BENCH ratio data_plane/raw_batched prompts_per_s=%.2f (goal >= 0.9)%n", service / raw);
            assertThat(rawTokens).as("the raw engine generated the same tokens").isEqualTo(serviceTokens);
        }
    }

    /** Waits for a condition; on a timeout the error carries the end of both services' logs. */
    private void awaitWithLogs(String what, java.util.function.BooleanSupplier condition) {
        try {
            Waits.until(what, WAIT, condition);
        } catch (IllegalStateException timedOut) {
            StringBuilder logs = new StringBuilder(timedOut.getMessage());
            for (String service : List.of("dataset-service", "generation-service")) {
                try {
                    List<String> lines = Files.readAllLines(new StackLayout(REPOSITORY, home).logFile(service));
                    logs.append("\n--- ").append(service).append(" log, last lines ---\n")
                            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
                } catch (java.io.IOException e) {
                    logs.append("\n(no log of ").append(service).append(": ").append(e.getMessage()).append(')');
                }
            }
            stack.components().stream().filter(c -> c.name().equals("dataset-service")).findFirst()
                    .flatMap(stack::running).ifPresent(process -> {
                        try {
                            Process jstack = new ProcessBuilder("jstack", String.valueOf(process.pid())).redirectErrorStream(true).start();
                            logs.append("\n--- dataset-service threads ---\n").append(new String(jstack.getInputStream().readAllBytes()));
                        } catch (java.io.IOException e) {
                            logs.append(e);
                        }
                    });
            throw new AssertionError(logs.toString(), timedOut);
        }
    }

    private long outcomeTotal(String pipeline) {
        return outcomes(pipeline).values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<String, Long> outcomes(String pipeline) {
        Map<String, Long> outcomes = new LinkedHashMap<>();
        json(get("dataset-service", "/pipelines/" + pipeline).body()).get("outcomes").fields()
                .forEachRemaining(entry -> outcomes.put(entry.getKey(), entry.getValue().asLong()));
        return outcomes;
    }

    private ArtifactRef uploadModel(Path directory) throws Exception {
        MinioClient minio = objectStore();
        String prefix = "models/" + MODEL + "/1/";
        List<ObjectRef> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(directory)) {
            for (Path file : listing.sorted().toList()) {
                byte[] content = Files.readAllBytes(file);
                String key = prefix + file.getFileName();
                minio.putObject(PutObjectArgs.builder().bucket(ObjectStore.BUCKET).object(key)
                        .stream(new ByteArrayInputStream(content), content.length, -1).build());
                files.add(new ObjectRef("s3://" + ObjectStore.BUCKET + "/" + key, sha256(content), content.length));
            }
        }
        return new ArtifactRef("s3://" + ObjectStore.BUCKET + "/" + prefix, files);
    }

    private static ModelVersionEvent promotion(ArtifactRef artifact) {
        return new ModelVersionEvent(EventIds.next(), ModelVersionEvent.SCHEMA_VERSION, Instant.now(),
                ModelVersionAction.PROMOTED, MODEL, 1, ModelVersionEvent.PRODUCTION, null, null, artifact, Map.of(), null);
    }

    private void publish(TunestreamEvent... events) throws ExecutionException, InterruptedException {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (TunestreamEvent event : events) {
                producer.send(new ProducerRecord<>(event.topic().topicName(), null, event.partitionKey(),
                        EventJson.toBytes(event), CloudEventsKafka.headers(event, URI.create("/test/data-plane")))).get();
            }
        }
    }

    private void publishRaw(String topic, String key, byte[] value) throws ExecutionException, InterruptedException {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    private List<String> deadLetterKeys(String topic) {
        return readAll(topic).stream().map(ConsumerRecord::key).toList();
    }

    /** Every record of a topic up to its end as of now. */
    private List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "data-plane-test-" + UUID.randomUUID());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** Waits until {@code group} has committed every record of {@code topic} that exists now. */
    private void awaitConsumed(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new LinkedHashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
            Waits.until(group + " caught up with " + topic, WAIT, () -> {
                Map<TopicPartition, OffsetAndMetadata> committed;
                try {
                    committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                } catch (InterruptedException | ExecutionException e) {
                    throw new IllegalStateException("cannot read the offsets of " + group, e);
                }
                return ends.entrySet().stream().allMatch(end -> end.getValue() == 0 || (committed.get(end.getKey()) != null
                        && committed.get(end.getKey()).offset() >= end.getValue()));
            });
        }
    }

    private HttpResponse<String> post(String service, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(service, path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String service, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(service, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path + " failed: " + e.getMessage(), e);
        }
    }

    private URI uri(String service, String path) {
        return URI.create("http://127.0.0.1:" + settings.servicePorts().get(service) + path);
    }

    private static JsonNode json(String body) {
        try {
            return EventJson.mapper().readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    private String bootstrapServers() {
        return "127.0.0.1:" + settings.kafkaPort();
    }

    private MinioClient objectStore() {
        Credentials credentials = Credentials.loadOrCreate(home.resolve("credentials.properties"));
        return MinioClient.builder().endpoint("http://127.0.0.1:" + settings.objectStorePort())
                .credentials("tunestream", credentials.secret("object-store.secret-key")).build();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

}
