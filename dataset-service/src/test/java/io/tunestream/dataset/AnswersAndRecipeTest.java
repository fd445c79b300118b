package io.tunestream.dataset;

import static io.restassured.RestAssured.given;
import static io.tunestream.dataset.DpoFixture.WAIT;
import static io.tunestream.dataset.DpoFixture.generation;
import static io.tunestream.dataset.DpoFixture.manifest;
import static io.tunestream.dataset.DpoFixture.pipeline;
import static io.tunestream.dataset.DpoFixture.triples;
import static io.tunestream.dataset.DpoFixture.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.dataset.DpoFixture.SampleInfo;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.EventIds;
import io.tunestream.events.FinishReason;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.PromptEvent;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Greedy plus n answers per prompt: one pair per distinct wrong answer, right ones dropped as {@code correct}, and the
 * pipeline's training recipe on every version, on the real broker, PostgreSQL and object store.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class AnswersAndRecipeTest {

    private static final Map<String, Object> TRAINING = new LinkedHashMap<>(
            Map.of("lossType", "ipo", "beta", 0.2, "nllWeight", 0.5, "learningRate", 3.0e-5, "maxSteps", 40));

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private KafkaTopics kafka;
    private DpoFixture fixture;

    @BeforeEach
    void connect() {
        kafka = new KafkaTopics(bootstrapServers);
        fixture = new DpoFixture(kafka);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void shouldMakeOnePairPerDistinctWrongAnswerAndCarryTheTrainingRecipeOntoTheVersion() {
        String model = DpoFixture.newModel();
        String dataset = DpoFixture.datasetOf(8, 2);
        Map<String, SampleInfo> samples = DpoFixture.samples(dataset);
        String pipeline = dataset + "-dpo";
        Map<String, Object> sampling = Map.of("temperature", 0.8, "maxTokens", 16, "n", 3, "includeGreedy", true);
        given().contentType("application/json")
                .body(Map.of(
                        "name",
                        pipeline,
                        "dataset",
                        dataset,
                        "model",
                        model,
                        "recipe",
                        "dpo",
                        "sampling",
                        sampling,
                        "trigger",
                        Map.of("everyNew", 1000),
                        "training",
                        TRAINING,
                        "minPairs",
                        4))
                .post("/pipelines")
                .then()
                .statusCode(201);
        JsonNode view = pipeline(pipeline);
        assertThat(view.at("/sampling/n").asInt()).isEqualTo(3);
        assertThat(view.at("/sampling/includeGreedy").asBoolean()).isTrue();
        assertThat(view.get("minPairs").asInt()).isEqualTo(4);
        assertThat(JSON.convertValue(view.get("training"), Map.class)).isEqualTo(TRAINING);
        JsonNode listed = IngestionTest.readJson(
                given().get("/pipelines").then().statusCode(200).extract().asString());
        List<JsonNode> mine = new ArrayList<>();
        listed.forEach(item -> {
            if (item.get("name").asText().equals(pipeline)) {
                mine.add(item);
            }
        });
        assertThat(mine)
                .singleElement()
                .satisfies(item ->
                        assertThat(item.at("/training/lossType").asText()).isEqualTo("ipo"));

        fixture.promote(model, 1);
        List<PromptEvent> prompts = fixture.awaitPrompts(pipeline, 1, 10);
        assertThat(prompts).allSatisfy(prompt -> {
            assertThat(prompt.includeGreedy()).isTrue();
            assertThat(prompt.sampling().n()).isEqualTo(3);
            assertThat(prompt.answersRequested()).isEqualTo(4);
        });

        // Greedy first, then three samples: two distinct wrong answers (one repeated), one right; one prompt answers
        // with two empty answers and one right one besides a wrong one.
        List<GenerationEvent> generations = new ArrayList<>();
        Map<String, List<String>> expectedRejected = new HashMap<>();
        for (int i = 0; i < prompts.size(); i++) {
            PromptEvent prompt = prompts.get(i);
            String truth = samples.get(prompt.sampleId()).output();
            if (i == 0) {
                generations.add(generation(prompt, " ", "", " " + truth.toUpperCase(), "nine\n"));
                expectedRejected.put(prompt.sampleId(), List.of("nine"));
            } else {
                generations.add(generation(prompt, "not " + truth, truth, "  NOT " + truth + " ", "never " + truth));
                expectedRejected.put(prompt.sampleId(), List.of("not " + truth, "never " + truth));
            }
        }
        kafka.publish(generations, DpoFixture.GENERATION_SERVICE);
        // 9 x (2 pairs, 1 correct, 1 duplicate) + (1 pair, 2 empty, 1 correct); the round is then complete.
        Map<String, Object> expected =
                Map.of("pairs", 19, "superseded", 0, "dropped.correct", 10, "dropped.duplicate", 9, "dropped.empty", 2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes(pipeline)).isEqualTo(expected));

        // Redelivered, and a second generation of the same prompt under a new event id: nothing changes.
        kafka.publish(generations, DpoFixture.GENERATION_SERVICE);
        GenerationEvent again = generations.get(1);
        kafka.publish(
                List.of(new GenerationEvent(
                        EventIds.next(),
                        1,
                        Instant.now(),
                        again.promptHash(),
                        again.dataset(),
                        again.pipeline(),
                        again.sampleId(),
                        again.round(),
                        again.model(),
                        again.modelVersion(),
                        again.sampling(),
                        "other",
                        FinishReason.STOP,
                        3,
                        2,
                        5,
                        null,
                        List.of("other", "another", "a third", "a fourth"))),
                DpoFixture.GENERATION_SERVICE);
        await().atMost(WAIT).until(() -> kafka.caughtUp("dataset-service.generations", "tunestream.generations"));
        assertThat(outcomes(pipeline))
                .as("a replayed generation adds no pair and no drop")
                .isEqualTo(expected);

        // The complete round was sealed as one version with every pair; the recipe rides on manifest and event.
        await().atMost(WAIT).untilAsserted(() -> assertThat(versions(dataset)).hasSize(1));
        Map<String, List<String>> rejected = new HashMap<>();
        Map<String, String> sampleByPrompt = new HashMap<>();
        prompts.forEach(
                prompt -> sampleByPrompt.put(samples.get(prompt.sampleId()).output(), prompt.sampleId()));
        for (JsonNode triple : triples(dataset, 1)) {
            String sampleId = sampleByPrompt.get(triple.get("chosen").asText());
            rejected.computeIfAbsent(sampleId, key -> new ArrayList<>())
                    .add(triple.get("rejected").asText());
        }
        assertThat(rejected).hasSize(10);
        expectedRejected.forEach((sampleId, answers) -> assertThat(rejected.get(sampleId))
                .as("pairs of sample %s", sampleId)
                .containsExactlyInAnyOrderElementsOf(answers));
        JsonNode manifest = manifest(dataset, 1);
        assertThat(manifest.get("cut").asText()).isEqualTo("round-complete");
        assertThat(manifest.at("/counts/dropped.duplicate").asLong()).isEqualTo(9);
        assertThat(manifest.at("/sampling/includeGreedy").asBoolean()).isTrue();
        assertThat(manifest.at("/sampling/n").asInt()).isEqualTo(3);
        assertThat(JSON.convertValue(manifest.get("hyperparameters"), Map.class))
                .isEqualTo(TRAINING);
        List<DatasetVersionEvent> events = kafka.events(
                "tunestream.dataset-versions",
                DatasetVersionEvent.class,
                event -> event.dataset().equals(dataset));
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.hyperparameters()).isEqualTo(TRAINING);
            assertThat(event.sampling().n()).isEqualTo(3);
            assertThat(event.counts().get("train") + event.counts().get("eval")).isEqualTo(19);
        });
    }

    @Test
    void shouldRefuseABadTrainingRecipeMinimumOrSamplingNamingTheField() {
        String dataset = DpoFixture.datasetOf(2, 0);
        assertRefused(Map.of("training", "fast"), "training must be a JSON object");
        assertRefused(Map.of("training", List.of(1, 2)), "training must be a JSON object");
        assertRefused(Map.of("minPairs", 0), "minPairs must be at least 1");
        assertRefused(
                Map.of("sampling", Map.of("includeGreedy", "yes")), "sampling.includeGreedy must be true or false");
        assertRefused(Map.of("sampling", Map.of("n", 0)), "sampling: SamplingParameters.n must be at least 1, got 0");
        assertRefused(Map.of("sampling", 3), "sampling must be a JSON object");
        // A pipeline without the new fields gets their defaults.
        String plain = dataset + "-plain";
        given().contentType("application/json")
                .body(Map.of("name", plain, "dataset", dataset, "model", "m", "recipe", "dpo"))
                .post("/pipelines")
                .then()
                .statusCode(201);
        JsonNode view = pipeline(plain);
        assertThat(view.get("minPairs").asInt()).isEqualTo(32);
        assertThat(view.get("training").isObject() && view.get("training").isEmpty())
                .isTrue();
        assertThat(view.at("/sampling/includeGreedy").asBoolean()).isFalse();
    }

    private static void assertRefused(Map<String, Object> fields, String message) {
        String dataset = DpoFixture.datasetOf(1, 0);
        Map<String, Object> request =
                new HashMap<>(Map.of("name", dataset + "-bad", "dataset", dataset, "model", "m", "recipe", "dpo"));
        request.putAll(fields);
        given().contentType("application/json")
                .body(request)
                .post("/pipelines")
                .then()
                .statusCode(400)
                .body("detail", containsString(message));
    }

    private static Map<String, Object> outcomes(String pipeline) {
        return given().get("/pipelines/" + pipeline)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("outcomes");
    }
}
