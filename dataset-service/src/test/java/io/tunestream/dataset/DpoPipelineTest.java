package io.tunestream.dataset;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.EventIds;
import io.tunestream.events.FinishReason;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.Lineage;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.PromptEvent;
import io.tunestream.events.SamplingParameters;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.platform.storage.Sha256;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dpo data plane end to end on the real broker, PostgreSQL and object store, with this test playing the registry
 * (model-versions events for a scratch model whose files it uploads) and the generation-service (generations).
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DpoPipelineTest {

    private static final String BUCKET = "tunestream";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String GENERATION_SERVICE = "/test/generation-service";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    ObjectStore store;

    @TempDir
    Path temp;

    private KafkaTopics kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaTopics(bootstrapServers);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void shouldTurnEverySampleIntoOnePairOrOneCountedDropSealAndStartTheNextRoundOnPromotion() throws Exception {
        String model = "tiny-" + UUID.randomUUID().toString().substring(0, 8);
        Path corpus = temp.resolve("corpus");
        SyntheticCorpus.write(corpus, new CorpusSpec(7, 60, 0, 1, EnumSet.allOf(TaskFamily.class)));
        Path modelDirectory = temp.resolve("model");
        ScratchModel.create(
                modelDirectory,
                corpus.resolve(SyntheticCorpus.SFT_FILE),
                new ScratchModelSpec(7, 300, 32, 1, 2, 1, 64, 128));

        String dataset = IngestionTest.createDataset("sft");
        String body = Files.readString(corpus.resolve(SyntheticCorpus.SFT_FILE));
        // The easiest synthetic tasks repeat: the dataset holds each distinct record once.
        int samples = IngestionTest.upload(dataset, body)
                .then()
                .statusCode(201)
                .extract()
                .path("added");
        assertThat(samples).isGreaterThan(200);
        Map<String, String> answers = groundTruthBySampleId(dataset);
        assertThat(answers).hasSize(samples);

        String pipeline = dataset + "-dpo";
        createPipeline(pipeline, dataset, model, null);
        given().get("/pipelines/" + pipeline).then().statusCode(200).body("round", equalTo(0));

        // Round 1: the registry promotes version 1.
        kafka.publish(List.of(promotion(model, 1, uploadModel(model, 1, modelDirectory))), "/test/registry");
        List<PromptEvent> round1 = awaitPrompts(pipeline, 1, samples);
        assertThat(round1.stream().map(PromptEvent::sampleId).distinct())
                .as("one prompt per sample")
                .hasSize(samples);
        for (PromptEvent prompt : round1) {
            assertThat(prompt.promptHash()).isEqualTo(Sha256.of(prompt.prompt().getBytes(StandardCharsets.UTF_8)));
            assertThat(prompt.modelVersion()).isEqualTo(1);
            assertThat(prompt.sampling()).isEqualTo(SamplingParameters.greedy(16));
        }
        PromptEvent first = round1.get(0);
        JsonNode firstRecord = sampleRecord(dataset, first.sampleId());
        assertThat(first.prompt())
                .as("the scratch tokenizer's chat template is ChatML")
                .isEqualTo("<|im_start|>user\n" + firstRecord.get("instruction").asText()
                        + "<|im_end|>\n<|im_start|>assistant\n");

        // The test answers as the generation-service would: some right, some empty, some failed, the rest wrong.
        List<GenerationEvent> generations = new ArrayList<>();
        Map<String, Long> expectedDrops = new HashMap<>();
        long expectedPairs = 0;
        for (int i = 0; i < round1.size(); i++) {
            PromptEvent prompt = round1.get(i);
            String truth = answers.get(prompt.sampleId());
            switch (i % 10) {
                case 0 -> {
                    generations.add(generation(prompt, "  " + truth.toUpperCase() + " \n", FinishReason.STOP, null));
                    expectedDrops.merge("dropped.correct", 1L, Long::sum);
                }
                case 1 -> {
                    generations.add(generation(prompt, " \n", FinishReason.LENGTH, null));
                    expectedDrops.merge("dropped.empty", 1L, Long::sum);
                }
                case 2 -> {
                    generations.add(generation(prompt, "", FinishReason.ERROR, "scheduler queue closed"));
                    expectedDrops.merge("dropped.generation_error", 1L, Long::sum);
                }
                default -> {
                    generations.add(generation(prompt, " not " + truth, FinishReason.STOP, null));
                    expectedPairs++;
                }
            }
        }
        kafka.publish(generations.subList(0, samples / 2), GENERATION_SERVICE);
        String poisonKey = "poison-" + model;
        kafka.publishRaw("tunestream.generations", poisonKey, "{\"promptHash\": 42".getBytes(StandardCharsets.UTF_8));
        kafka.publishRaw("tunestream.model-versions", poisonKey, "not json".getBytes(StandardCharsets.UTF_8));
        kafka.publish(generations.subList(samples / 2, samples), GENERATION_SERVICE);

        Map<String, Object> expected = new HashMap<>(expectedDrops);
        expected.put("pairs", expectedPairs);
        expected.put("superseded", 0L);
        await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes(pipeline)).isEqualTo(asInts(expected)));
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(kafka.readAll("tunestream.generations.dlq").stream().filter(r -> poisonKey.equals(r.key())))
                    .hasSize(1);
            assertThat(kafka.readAll("tunestream.model-versions.dlq").stream().filter(r -> poisonKey.equals(r.key())))
                    .hasSize(1);
        });

        // Replays: every generation again, and a second answer to one prompt under a new event id.
        kafka.publish(generations, GENERATION_SERVICE);
        GenerationEvent first0 = generations.get(3);
        kafka.publish(
                List.of(new GenerationEvent(
                        EventIds.next(),
                        1,
                        Instant.now(),
                        first0.promptHash(),
                        first0.dataset(),
                        first0.pipeline(),
                        first0.sampleId(),
                        first0.round(),
                        first0.model(),
                        first0.modelVersion(),
                        first0.sampling(),
                        "another answer",
                        FinishReason.STOP,
                        3,
                        2,
                        5,
                        null)),
                GENERATION_SERVICE);
        await().atMost(WAIT).until(() -> kafka.caughtUp("dataset-service.generations", "tunestream.generations"));
        assertThat(outcomes(pipeline))
                .as("a replayed generation adds no pair and no drop")
                .isEqualTo(asInts(expected));
        given().accept("text/plain")
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("tunestream_dataset_pair_outcomes_total{outcome=\"empty\""))
                .body(containsString("tunestream_dataset_prompts_published_total"));

        // Seal: the version's files are in object storage, with the checksums of the manifest and the event.
        given().post("/pipelines/" + pipeline + "/seal").then().statusCode(201).body("versions[0]", equalTo(1));
        given().post("/pipelines/" + pipeline + "/seal").then().statusCode(409);
        List<DatasetVersionEvent> sealed = kafka.events(
                "tunestream.dataset-versions",
                DatasetVersionEvent.class,
                event -> event.dataset().equals(dataset));
        assertThat(sealed).hasSize(1);
        DatasetVersionEvent version = sealed.get(0);
        assertThat(version.version()).isEqualTo(1);
        assertThat(version.lineage()).isEqualTo(Lineage.ofDatasetVersion(dataset, 1, pipeline, model, 1));
        assertThat(version.sampling()).isEqualTo(SamplingParameters.greedy(16));
        byte[] train = assertStored(version.train());
        byte[] eval = assertStored(version.eval());
        byte[] manifestBytes = assertStored(version.manifest());
        JsonNode manifest = IngestionTest.readJson(new String(manifestBytes, StandardCharsets.UTF_8));
        assertThat(manifest.at("/files/train.jsonl/sha256").asText()).isEqualTo(Sha256.of(train));
        assertThat(manifest.at("/files/eval.jsonl/sha256").asText()).isEqualTo(Sha256.of(eval));
        assertThat(manifest.at("/lineage/sourceModelVersion").asInt()).isEqualTo(1);
        List<String> lines =
                Stream.concat(lines(train).stream(), lines(eval).stream()).toList();
        assertThat((long) lines.size()).isEqualTo(expectedPairs);
        assertThat(version.counts().get("train") + version.counts().get("eval")).isEqualTo(expectedPairs);
        expectedDrops.forEach((reason, count) ->
                assertThat(version.counts().get(reason)).as(reason).isEqualTo(count));
        assertThat(lines(eval))
                .as("eval fraction 0.1 of %d pairs", expectedPairs)
                .isNotEmpty();
        JsonNode triple = IngestionTest.readJson(lines.get(0));
        assertThat(triple.has("prompt") && triple.has("chosen") && triple.has("rejected"))
                .isTrue();
        assertThat(triple.get("rejected").asText()).startsWith("not ");
        assertThat(lines.stream()
                        .map(line -> IngestionTest.readJson(line).get("prompt").asText())
                        .distinct())
                .as("no sample twice")
                .hasSize(lines.size());
        assertThat(given().get("/datasets/" + dataset + "/versions/1/files/train.jsonl")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asByteArray())
                .isEqualTo(train);
        given().get("/datasets/" + dataset + "/versions/1")
                .then()
                .statusCode(200)
                .body("files.'train.jsonl'.sha256", equalTo(Sha256.of(train)));
        given().get("/datasets/" + dataset + "/versions")
                .then()
                .statusCode(200)
                .body("[0].version", equalTo(1))
                .body("[0].sourceModelVersion", equalTo(1));

        // A pipeline created now on the same data and model finds its prompts answered: nothing is generated again.
        String capped = dataset + "-capped";
        createPipeline(capped, dataset, model, 25);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(outcomes(capped).values().stream()
                                .mapToLong(Number::longValue)
                                .sum())
                        .isEqualTo(25));
        assertThat(kafka.events(
                        "tunestream.prompts",
                        PromptEvent.class,
                        prompt -> prompt.pipeline().equals(capped)))
                .isEmpty();

        // Round 2: version 2 is promoted; every sample gets a fresh prompt for it, the capped pipeline 25.
        kafka.publish(List.of(promotion(model, 2, uploadModel(model, 2, modelDirectory))), "/test/registry");
        List<PromptEvent> round2 = awaitPrompts(pipeline, 2, samples);
        assertThat(round2)
                .allSatisfy(prompt -> assertThat(prompt.modelVersion()).isEqualTo(2));
        assertThat(round2.stream().map(PromptEvent::sampleId).distinct()).hasSize(samples);
        awaitPrompts(capped, 2, 25);
        given().get("/pipelines/" + pipeline)
                .then()
                .statusCode(200)
                .body("round", equalTo(2))
                .body("modelVersion", equalTo(2));
        assertThat(kafka.events(
                        "tunestream.prompts",
                        PromptEvent.class,
                        prompt -> prompt.pipeline().equals(pipeline) && prompt.round() == 1))
                .as("round 1 not sent again")
                .hasSize(samples);

        // No generation answered round 2: asking for a resend sends every round-2 prompt once more, and only those.
        await().atMost(WAIT)
                .untilAsserted(() ->
                        given().get("/pipelines/" + pipeline).then().body("promptsPublished", equalTo(2 * samples)));
        given().post("/pipelines/" + pipeline + "/prompts/resend")
                .then()
                .statusCode(200)
                .body("resent", equalTo(samples));
        assertThat(kafka.events(
                        "tunestream.prompts",
                        PromptEvent.class,
                        prompt -> prompt.pipeline().equals(pipeline) && prompt.round() == 2))
                .hasSize(2 * samples);
    }

    private void createPipeline(String name, String dataset, String model, Integer roundCap) {
        Map<String, Object> request = new HashMap<>(Map.of(
                "name",
                name,
                "dataset",
                dataset,
                "model",
                model,
                "recipe",
                "dpo",
                "sampling",
                SamplingParameters.greedy(16)));
        if (roundCap != null) {
            request.put("roundCap", roundCap);
        }
        given().contentType("application/json")
                .body(request)
                .post("/pipelines")
                .then()
                .statusCode(201)
                .body("name", equalTo(name));
    }

    private List<PromptEvent> awaitPrompts(String pipeline, int round, int count) {
        return new DpoFixture(kafka).awaitPrompts(pipeline, round, count);
    }

    private Map<String, Integer> outcomes(String pipeline) {
        return given().get("/pipelines/" + pipeline)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("outcomes");
    }

    private static Map<String, Integer> asInts(Map<String, Object> counts) {
        Map<String, Integer> ints = new HashMap<>();
        counts.forEach((key, value) -> ints.put(key, ((Number) value).intValue()));
        return ints;
    }

    private Map<String, String> groundTruthBySampleId(String dataset) {
        Map<String, String> answers = new HashMap<>();
        JsonNode page = IngestionTest.readJson(given().get("/datasets/" + dataset + "/samples?size=500")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        page.get("items")
                .forEach(item -> answers.put(
                        item.get("id").asText(),
                        item.get("record").get("output").asText()));
        return answers;
    }

    private JsonNode sampleRecord(String dataset, String sampleId) {
        JsonNode page = IngestionTest.readJson(given().get("/datasets/" + dataset + "/samples?size=500")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        for (JsonNode item : page.get("items")) {
            if (item.get("id").asText().equals(sampleId)) {
                return item.get("record");
            }
        }
        throw new AssertionError("no sample " + sampleId);
    }

    private ArtifactRef uploadModel(String model, int version, Path directory) throws Exception {
        String prefix = "models/" + model + "/" + version + "/";
        List<ObjectRef> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(directory)) {
            for (Path file : listing.sorted().toList()) {
                byte[] content = Files.readAllBytes(file);
                files.add(store.put(prefix + file.getFileName(), content, null));
            }
        }
        return new ArtifactRef("s3://" + BUCKET + "/" + prefix, files);
    }

    private static ModelVersionEvent promotion(String model, int version, ArtifactRef artifact) {
        return new ModelVersionEvent(
                EventIds.next(),
                ModelVersionEvent.SCHEMA_VERSION,
                Instant.now(),
                ModelVersionAction.PROMOTED,
                model,
                version,
                ModelVersionEvent.PRODUCTION,
                version > 1 ? version - 1 : null,
                null,
                artifact,
                Map.of(),
                null);
    }

    private static GenerationEvent generation(
            PromptEvent prompt, String text, FinishReason finishReason, String error) {
        return new GenerationEvent(
                EventIds.next(),
                GenerationEvent.SCHEMA_VERSION,
                Instant.now(),
                prompt.promptHash(),
                prompt.dataset(),
                prompt.pipeline(),
                prompt.sampleId(),
                prompt.round(),
                prompt.model(),
                prompt.modelVersion(),
                prompt.sampling(),
                text,
                finishReason,
                20,
                3,
                12,
                error);
    }

    /** Downloads the object an event names and checks its size and sha256 against the event. */
    private byte[] assertStored(ObjectRef ref) throws Exception {
        byte[] content;
        try (var in = store.open(ref.location())) {
            content = in.readAllBytes();
        }
        assertThat(Sha256.of(content)).as(ref.uri()).isEqualTo(ref.sha256());
        assertThat((long) content.length).as(ref.uri()).isEqualTo(ref.sizeBytes());
        return content;
    }

    private static List<String> lines(byte[] jsonl) {
        return new String(jsonl, StandardCharsets.UTF_8).lines().toList();
    }
}
