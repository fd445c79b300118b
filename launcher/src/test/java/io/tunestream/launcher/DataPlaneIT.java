package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.tunestream.infra.PostgresAdmin;
import io.tunestream.infra.Waits;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationResult;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.SchedulerSettings;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
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
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
class DataPlaneIT {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Duration WAIT = Duration.ofMinutes(2);
    /** The model name the generation-service serves by default. */
    private static final String MODEL = "tiny-llama";

    private static final URI SOURCE = URI.create("/test/data-plane");
    private static final String DATASET_MODEL_VERSIONS_GROUP = "dataset-service.model-versions";

    @TempDir
    Path home;

    @TempDir
    Path work;

    private final PostgresAdmin postgres = PostgresAdmin.local();
    private final StackSettings settings = TestStacks.freeSettings("ts_dataplane");
    private Stack stack;
    private StackClient client;

    @AfterEach
    void stopAndDropDatabases() {
        TestStacks.tearDown(stack, postgres, settings);
    }

    @Test
    void everySampleGetsOnePairOrOneCountedDropAcrossAGenerationServiceKill() throws Exception {
        Path corpus = work.resolve("corpus");
        SyntheticCorpus.write(corpus, new CorpusSpec(11, 60, 0, 1, EnumSet.allOf(TaskFamily.class)));
        Path modelDirectory = work.resolve("model");
        ScratchModel.create(
                modelDirectory,
                corpus.resolve(SyntheticCorpus.SFT_FILE),
                new ScratchModelSpec(11, 300, 32, 1, 2, 1, 64, 256));
        startStack();

        // The registry's part: version 1 in the object store, then its promotion.
        client.publish(SOURCE, promotion(uploadModel(modelDirectory)));
        // A pipeline created while the dataset-service applies the promotion would miss it (see LoopIT).
        client.awaitConsumed(DATASET_MODEL_VERSIONS_GROUP, "tunestream.model-versions", WAIT);
        String dataset = "arith-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(client.post("dataset-service", "/datasets", "{\"name\": \"" + dataset + "\", \"kind\": \"sft\"}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> upload = client.postFile(
                "dataset-service",
                "/datasets/" + dataset + "/uploads",
                "application/x-ndjson",
                corpus.resolve(SyntheticCorpus.SFT_FILE));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        int samples = StackClient.json(upload.body()).get("added").asInt();
        assertThat(samples).isGreaterThan(200);

        String pipeline = dataset + "-dpo";
        // Sampled, not greedy: the untrained scratch model's greedy answer is often its end token at once (an empty,
        // dropped answer). Up to 48 new tokens each: long enough that the kill below lands mid-run.
        String sampling = EventJson.mapper()
                .writeValueAsString(new SamplingParameters(1.0, null, null, 48, 1, List.of(), null, null, 5L));
        assertThat(client.post(
                                "dataset-service",
                                "/pipelines",
                                "{\"name\": \"" + pipeline + "\", \"dataset\": \"" + dataset + "\", \"model\": \""
                                        + MODEL + "\", \"recipe\": \"dpo\", \"sampling\": " + sampling + "}")
                        .statusCode())
                .isEqualTo(201);

        String poisonKey = "poison-" + dataset;
        client.publishRaw("tunestream.prompts", poisonKey, "{\"promptHash\": 7".getBytes(StandardCharsets.UTF_8));
        client.publishRaw("tunestream.generations", poisonKey, "not an event".getBytes(StandardCharsets.UTF_8));

        // Kill the generation-service as soon as its first answers are paired, then start it again.
        awaitWithLogs("the first pairs", () -> outcomeTotal(pipeline) > 0);
        long beforeKill = outcomeTotal(pipeline);
        Component generation = stack.components().stream()
                .filter(c -> c.name().equals("generation-service"))
                .findFirst()
                .orElseThrow();
        ProcessHandle killed = stack.running(generation).orElseThrow();
        killed.destroyForcibly();
        killed.onExit().get();
        assertThat(beforeKill).as("killed mid-run").isLessThan(samples);
        assertThat(stack.up(new PrintStream(new ByteArrayOutputStream())))
                .as("up restarts what was killed")
                .isTrue();

        awaitWithLogs("one outcome per sample", () -> outcomeTotal(pipeline) >= samples);
        JsonNode pipelineView = StackClient.json(
                client.get("dataset-service", "/pipelines/" + pipeline).body());
        assertThat(pipelineView.get("prompts").asLong()).isEqualTo(samples);
        Map<String, Long> outcomes = outcomes(pipeline);
        assertThat(outcomes.values().stream().mapToLong(Long::longValue).sum())
                .as("outcomes " + outcomes)
                .isEqualTo(samples);
        assertThat(deadLetterKeys("tunestream.prompts.dlq")).contains(poisonKey);
        assertThat(deadLetterKeys("tunestream.generations.dlq")).contains(poisonKey);

        // Every generation again, as a redelivery would bring them: nothing changes.
        List<ConsumerRecord<String, byte[]>> generations = client.readAll("tunestream.generations").stream()
                .filter(record -> !poisonKey.equals(record.key()))
                .toList();
        assertThat(generations.size()).isGreaterThanOrEqualTo(samples);
        List<GenerationEvent> answered = generations.stream()
                .map(record -> EventJson.fromBytes(record.value(), GenerationEvent.class))
                .toList();
        assertThat(answered)
                .allSatisfy(event -> assertThat(event.modelVersion()).isEqualTo(1));
        client.publish(SOURCE, answered.toArray(TunestreamEvent[]::new));
        client.awaitConsumed("dataset-service.generations", "tunestream.generations", WAIT);
        assertThat(outcomes(pipeline)).as("a replay adds no pair and no drop").isEqualTo(outcomes);

        HttpResponse<String> sealed = client.post("dataset-service", "/pipelines/" + pipeline + "/seal", "");
        assertThat(sealed.statusCode())
                .as(sealed.body() + "; outcomes " + outcomes)
                .isEqualTo(201);
        int version = StackClient.json(sealed.body()).get("versions").get(0).asInt();
        JsonNode manifest =
                StackClient.json(client.get("dataset-service", "/datasets/" + dataset + "/versions/" + version)
                        .body());
        long records = 0;
        for (String file : List.of("train.jsonl", "eval.jsonl")) {
            HttpResponse<byte[]> download = client.send(
                    HttpRequest.newBuilder(client.uri(
                                    "dataset-service",
                                    "/datasets/" + dataset + "/versions/" + version + "/files/" + file))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            JsonNode entry = manifest.get("files").get(file);
            assertThat(sha256(download.body()))
                    .as(file)
                    .isEqualTo(entry.get("sha256").asText());
            long lines =
                    new String(download.body(), StandardCharsets.UTF_8).lines().count();
            assertThat(lines).isEqualTo(entry.get("records").asLong());
            records += lines;
        }
        assertThat(records).as("every pair is in the version").isEqualTo(outcomes.getOrDefault("pairs", 0L));
        List<DatasetVersionEvent> versions = client.readAll("tunestream.dataset-versions").stream()
                .map(record -> EventJson.fromBytes(record.value(), DatasetVersionEvent.class))
                .filter(event -> event.dataset().equals(dataset))
                .toList();
        assertThat(versions).singleElement().satisfies(event -> {
            assertThat(event.version()).isEqualTo(version);
            assertThat(event.train().sha256())
                    .isEqualTo(manifest.get("files")
                            .get("train.jsonl")
                            .get("sha256")
                            .asText());
        });
    }

    /**
     * Prompts -> pairs throughput of the whole data plane (dataset-service renders and publishes, generation-service
     * answers, dataset-service pairs) beside the raw batched engine and the one-prompt-at-a-time loop on the same
     * prompts and model, in one run. Greedy decoding, so every path generates the same tokens. Off by default:
     * {@code ./mvnw -B -pl launcher verify -Dit.test=DataPlaneIT -Dtunestream.bench.data-plane=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "tunestream.bench.data-plane", matches = "true")
    void benchmarkPromptsToPairsAgainstTheRawEngine() throws Exception {
        int maxTokens = 32;
        Path corpus = work.resolve("corpus");
        SyntheticCorpus.write(corpus, new CorpusSpec(13, 100, 0, 3, EnumSet.allOf(TaskFamily.class)));
        Path modelDirectory = work.resolve("model");
        // The tiny preset's shape: large enough that the engine, not the plumbing, should set the pace.
        ScratchModel.create(
                modelDirectory,
                corpus.resolve(SyntheticCorpus.SFT_FILE),
                new ScratchModelSpec(13, 1024, 128, 4, 4, 2, 352, 512));
        startStack();
        client.publish(SOURCE, promotion(uploadModel(modelDirectory)));
        String dataset = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        client.post("dataset-service", "/datasets", "{\"name\": \"" + dataset + "\", \"kind\": \"sft\"}");
        HttpResponse<String> upload = client.postFile(
                "dataset-service",
                "/datasets/" + dataset + "/uploads",
                "application/x-ndjson",
                corpus.resolve(SyntheticCorpus.SFT_FILE));
        int samples = StackClient.json(upload.body()).get("added").asInt();

        String pipeline = dataset + "-dpo";
        long started = System.nanoTime();
        client.post(
                "dataset-service",
                "/pipelines",
                "{\"name\": \"" + pipeline + "\", \"dataset\": \"" + dataset
                        + "\", \"model\": \"" + MODEL + "\", \"recipe\": \"dpo\", \"sampling\": "
                        + EventJson.mapper().writeValueAsString(SamplingParameters.greedy(maxTokens)) + "}");
        Waits.until("one outcome per sample", Duration.ofMinutes(20), () -> outcomeTotal(pipeline) >= samples);
        long serviceNanos = System.nanoTime() - started;
        long finishedAt = System.currentTimeMillis();
        long startedAt = finishedAt - serviceNanos / 1_000_000;
        // Where the time went, from the brokers' record timestamps.
        for (String topic : List.of("tunestream.prompts", "tunestream.generations")) {
            List<Long> times = client.readAll(topic).stream()
                    .map(ConsumerRecord::timestamp)
                    .filter(t -> t >= startedAt)
                    .sorted()
                    .toList();
            System.out.printf(
                    Locale.ROOT,
                    "BENCH hop %s records=%d first=+%.1fs last=+%.1fs%n",
                    topic,
                    times.size(),
                    (times.get(0) - startedAt) / 1e3,
                    (times.get(times.size() - 1) - startedAt) / 1e3);
        }
        System.out.printf(Locale.ROOT, "BENCH hop every outcome stored=+%.1fs%n", (finishedAt - startedAt) / 1e3);
        long serviceTokens = client.readAll("tunestream.generations").stream()
                .map(record -> EventJson.fromBytes(record.value(), GenerationEvent.class))
                .filter(event -> event.pipeline().equals(pipeline))
                .mapToLong(GenerationEvent::completionTokens)
                .sum();
        List<String> prompts = client.readAll("tunestream.prompts").stream()
                .map(record -> EventJson.fromBytes(record.value(), io.tunestream.events.PromptEvent.class))
                .filter(event -> event.pipeline().equals(pipeline))
                .map(io.tunestream.events.PromptEvent::prompt)
                .toList();
        stack.down();
        stack = null;

        try (Tokenizer tokenizer = Tokenizer.load(modelDirectory);
                LlamaModel model = LlamaModel.load(modelDirectory);
                GenerationScheduler scheduler = new GenerationScheduler(
                        model,
                        ids -> tokenizer.decode(ids, true),
                        Arrays.stream(tokenizer.eosTokenIds()).boxed().collect(Collectors.toSet()),
                        new SchedulerSettings(32, prompts.size()))) {
            int[][] ids = prompts.stream()
                    .map(prompt -> tokenizer.encode(prompt, false))
                    .toArray(int[][]::new);
            SamplingParams greedy = SamplingParams.greedy(maxTokens);
            long rawStarted = System.nanoTime();
            List<CompletableFuture<GenerationResult>> results = new ArrayList<>();
            for (int[] prompt : ids) {
                results.add(scheduler.submit(new GenerationRequest(prompt, greedy)));
            }
            long rawTokens = results.stream()
                    .mapToLong(result -> result.join().completionTokens())
                    .sum();
            long rawNanos = System.nanoTime() - rawStarted;
            int sequential = Math.min(32, ids.length);
            long sequentialStarted = System.nanoTime();
            long sequentialTokens = 0;
            for (int i = 0; i < sequential; i++) {
                sequentialTokens += scheduler
                        .generate(new GenerationRequest(ids[i], greedy))
                        .completionTokens();
            }
            long sequentialNanos = System.nanoTime() - sequentialStarted;
            double service = samples / (serviceNanos / 1e9);
            double raw = ids.length / (rawNanos / 1e9);
            System.out.printf(
                    Locale.ROOT,
                    "BENCH data_plane prompts=%d pairs_or_drops_per_s=%.1f tokens_per_s=%.1f%n",
                    samples,
                    service,
                    serviceTokens / (serviceNanos / 1e9));
            System.out.printf(
                    Locale.ROOT,
                    "BENCH raw_batched prompts=%d prompts_per_s=%.1f tokens_per_s=%.1f%n",
                    ids.length,
                    raw,
                    rawTokens / (rawNanos / 1e9));
            System.out.printf(
                    Locale.ROOT,
                    "BENCH raw_sequential prompts=%d prompts_per_s=%.1f tokens_per_s=%.1f%n",
                    sequential,
                    sequential / (sequentialNanos / 1e9),
                    sequentialTokens / (sequentialNanos / 1e9));
            System.out.printf(
                    Locale.ROOT,
                    "BENCH ratio data_plane/raw_batched prompts_per_s=%.2f (goal >= 0.9)%n",
                    service / raw);
            assertThat(rawTokens).as("the raw engine generated the same tokens").isEqualTo(serviceTokens);
        }
    }

    private void startStack() {
        StackLayout layout = new StackLayout(REPOSITORY, home);
        client = new StackClient(settings, layout);
        stack = new Stack(layout, postgres, settings);
        assertThat(stack.up(new PrintStream(new ByteArrayOutputStream()))).isTrue();
    }

    /** Waits for a condition; on a timeout the error carries the end of both services' logs and the dataset-service's threads. */
    private void awaitWithLogs(String what, java.util.function.BooleanSupplier condition) {
        try {
            client.awaitWithLogs(what, WAIT, condition, "dataset-service", "generation-service");
        } catch (AssertionError timedOut) {
            StringBuilder threads = new StringBuilder(timedOut.getMessage());
            stack.components().stream()
                    .filter(c -> c.name().equals("dataset-service"))
                    .findFirst()
                    .flatMap(stack::running)
                    .ifPresent(process -> {
                        try {
                            Process jstack = new ProcessBuilder("jstack", String.valueOf(process.pid()))
                                    .redirectErrorStream(true)
                                    .start();
                            threads.append("\n--- dataset-service threads ---\n")
                                    .append(new String(jstack.getInputStream().readAllBytes()));
                        } catch (java.io.IOException e) {
                            threads.append(e);
                        }
                    });
            throw new AssertionError(threads.toString(), timedOut.getCause());
        }
    }

    private long outcomeTotal(String pipeline) {
        return outcomes(pipeline).values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<String, Long> outcomes(String pipeline) {
        Map<String, Long> outcomes = new LinkedHashMap<>();
        StackClient.json(client.get("dataset-service", "/pipelines/" + pipeline).body())
                .get("outcomes")
                .fields()
                .forEachRemaining(
                        entry -> outcomes.put(entry.getKey(), entry.getValue().asLong()));
        return outcomes;
    }

    private ArtifactRef uploadModel(Path directory) throws Exception {
        var store = objectStore();
        String prefix = "models/" + MODEL + "/1/";
        List<ObjectRef> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(directory)) {
            for (Path file : listing.sorted().toList()) {
                byte[] content = Files.readAllBytes(file);
                ObjectRef stored = store.put(prefix + file.getFileName(), content, null);
                assertThat(stored.sha256()).isEqualTo(sha256(content));
                files.add(stored);
            }
        }
        return new ArtifactRef("s3://" + ObjectStore.BUCKET + "/" + prefix, files);
    }

    private static ModelVersionEvent promotion(ArtifactRef artifact) {
        return new ModelVersionEvent(
                EventIds.next(),
                ModelVersionEvent.SCHEMA_VERSION,
                Instant.now(),
                ModelVersionAction.PROMOTED,
                MODEL,
                1,
                ModelVersionEvent.PRODUCTION,
                null,
                null,
                artifact,
                Map.of(),
                null);
    }

    private List<String> deadLetterKeys(String topic) {
        return client.readAll(topic).stream().map(ConsumerRecord::key).toList();
    }

    private io.tunestream.platform.storage.ObjectStore objectStore() {
        return new ObjectStore(
                        settings.objectStorePort(), Credentials.loadOrCreate(home.resolve("credentials.properties")))
                .store();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
