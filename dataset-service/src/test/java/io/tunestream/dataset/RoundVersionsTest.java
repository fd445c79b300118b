package io.tunestream.dataset;

import static io.restassured.RestAssured.given;
import static io.tunestream.dataset.DpoFixture.WAIT;
import static io.tunestream.dataset.DpoFixture.generation;
import static io.tunestream.dataset.DpoFixture.manifest;
import static io.tunestream.dataset.DpoFixture.outcome;
import static io.tunestream.dataset.DpoFixture.outcomeTotal;
import static io.tunestream.dataset.DpoFixture.pipeline;
import static io.tunestream.dataset.DpoFixture.triples;
import static io.tunestream.dataset.DpoFixture.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.dataset.DpoFixture.SampleInfo;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.PromptEvent;
import io.tunestream.events.SamplingParameters;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a dpo pipeline cuts its rounds into versions on the real broker, PostgreSQL and object store: few, large
 * versions with both splits, stragglers that do not become versions of their own, and leftovers of a finished round
 * that are superseded (too few) or sealed once (enough).
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class RoundVersionsTest {

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
    void shouldCutARoundIntoAtMostCeilPairsOverEveryNewPlusOneVersionsWithBothSplitsWhateverTheStragglers() {
        String model = DpoFixture.newModel();
        String dataset = DpoFixture.datasetOf(54, 6);
        Map<String, SampleInfo> samples = DpoFixture.samples(dataset);
        String pipeline = dataset + "-dpo";
        // A one-second window, as in a loop whose stragglers trickle in: before, each window cut a tiny version.
        createPipeline(Map.of(
                "name",
                pipeline,
                "dataset",
                dataset,
                "model",
                model,
                "recipe",
                "dpo",
                "sampling",
                SamplingParameters.greedy(16),
                "trigger",
                Map.of("everyNew", 10, "window", "PT1S"),
                "minPairs",
                4));
        fixture.promote(model, 1);
        List<PromptEvent> prompts = fixture.awaitPrompts(pipeline, 1, 60);

        // Half the answers are right (drops), half wrong (pairs): outcomes run twice as fast as pairs.
        List<GenerationEvent> generations = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            String truth = samples.get(prompts.get(i).sampleId()).output();
            generations.add(generation(prompts.get(i), i % 2 == 0 ? truth : "not " + truth));
        }
        fixture.answer(pipeline, generations.subList(0, 20), 0, 20);
        for (int i = 20; i < generations.size(); i++) {
            // The stragglers, one at a time.
            fixture.answer(pipeline, List.of(generations.get(i)), i, 1);
        }
        // The next promotion ends the round: what it held back is sealed or superseded now.
        fixture.promote(model, 2);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode view = pipeline(pipeline);
            assertThat(view.get("round").asInt()).isEqualTo(2);
            assertThat(view.get("waitingPairs").asLong()).isZero();
        });

        long pairs = 30;
        List<JsonNode> round1 = versions(dataset).stream()
                .filter(version -> version.get("round").asInt() == 1)
                .toList();
        assertThat(round1)
                .as("ceil(%d pairs / everyNew 10) + 1 versions at most", pairs)
                .isNotEmpty()
                .hasSizeLessThanOrEqualTo(4);
        long sealed = 0;
        List<String> prompted = new ArrayList<>();
        for (JsonNode version : round1) {
            assertThat(version.get("train").asLong())
                    .as("train split of version %s", version.get("version"))
                    .isPositive();
            assertThat(version.get("eval").asLong())
                    .as("eval split of version %s", version.get("version"))
                    .isPositive();
            sealed += version.get("train").asLong() + version.get("eval").asLong();
            JsonNode manifest = manifest(dataset, version.get("version").asInt());
            assertThat(manifest.get("cut").asText()).isIn("every-new", "window", "round-complete", "leftovers");
            triples(dataset, version.get("version").asInt())
                    .forEach(triple -> prompted.add(triple.get("prompt").asText()));
        }
        assertThat(prompted)
                .as("no pair in two versions")
                .doesNotHaveDuplicates()
                .hasSize((int) sealed);
        assertThat(sealed + outcome(pipeline, "superseded"))
                .as("every pair sealed once or superseded")
                .isEqualTo(pairs);
        assertThat(outcome(pipeline, "dropped.correct")).isEqualTo(30);
    }

    @Test
    void shouldSealNewPromptsOfARoundKeptOpenByARejectedCandidateEvenBeyondTheBound() {
        String model = DpoFixture.newModel();
        String dataset = DpoFixture.datasetOf(16, 4);
        String pipeline = dataset + "-dpo";
        // everyNew far above the round's pairs: the bound allows ceil(pairs / 100) + 1 = 2 versions.
        createPipeline(Map.of(
                "name",
                pipeline,
                "dataset",
                dataset,
                "model",
                model,
                "recipe",
                "dpo",
                "sampling",
                SamplingParameters.greedy(16),
                "trigger",
                Map.of("everyNew", 100),
                "minPairs",
                4));
        fixture.promote(model, 1);

        // Version 1 is trained and its candidate rejected: no promotion, so the round stays open and every new batch
        // of samples becomes new prompts of the same round, answered by the same production version.
        long outcomes = 0;
        int prompted = 20;
        java.util.Set<String> answered = new java.util.HashSet<>();
        for (int batch = 1; batch <= 3; batch++) {
            if (batch > 1) {
                DpoFixture.addSamples(dataset, "batch-" + batch, 6, 2);
                prompted += 8;
            }
            List<PromptEvent> prompts = fixture.awaitPrompts(pipeline, 1, prompted);
            Map<String, SampleInfo> samples = DpoFixture.samples(dataset);
            List<PromptEvent> fresh = prompts.stream()
                    .filter(prompt -> answered.add(prompt.promptHash()))
                    .toList();
            assertThat(fresh).hasSize(batch == 1 ? 20 : 8);
            fixture.answer(pipeline, wrong(fresh, samples), outcomes, fresh.size());
            outcomes += fresh.size();
            int expectedVersions = batch;
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(versions(dataset))
                        .as("a version for each completed batch")
                        .hasSize(expectedVersions);
                assertThat(pipeline(pipeline).get("waitingPairs").asLong()).isZero();
            });
        }
        assertThat(versions(dataset)).allSatisfy(version -> {
            assertThat(version.get("round").asInt()).isEqualTo(1);
            assertThat(version.get("train").asLong()).isPositive();
            assertThat(version.get("eval").asLong()).isPositive();
        });
        assertThat(manifest(dataset, 3).get("cut").asText()).isEqualTo("round-complete");
    }

    @Test
    void shouldSupersedeLeftoversBelowMinPairsCountThemInTheNextManifestAndSealLargerLeftoversOnce() {
        String model = DpoFixture.newModel();
        String dataset = DpoFixture.datasetOf(35, 5);
        Map<String, SampleInfo> samples = DpoFixture.samples(dataset);
        String pipeline = dataset + "-dpo";
        createPipeline(Map.of(
                "name",
                pipeline,
                "dataset",
                dataset,
                "model",
                model,
                "recipe",
                "dpo",
                "sampling",
                SamplingParameters.greedy(16),
                "trigger",
                Map.of("everyNew", 20),
                "minPairs",
                8));
        assertThat(pipeline(pipeline).get("minPairs").asInt()).isEqualTo(8);

        // Round 1: six wrong answers, then version 2 is promoted: six pairs, fewer than minPairs 8, are superseded.
        fixture.promote(model, 1);
        List<PromptEvent> round1 = fixture.awaitPrompts(pipeline, 1, 40);
        fixture.answer(pipeline, wrong(round1.subList(0, 6), samples), 0, 6);
        assertThat(pipeline(pipeline).get("waitingPairs").asLong()).isEqualTo(6);
        assertThat(versions(dataset)).isEmpty();
        fixture.promote(model, 2);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(outcome(pipeline, "superseded")).isEqualTo(6);
            assertThat(outcome(pipeline, "pairs")).isZero();
            assertThat(pipeline(pipeline).get("waitingPairs").asLong()).isZero();
        });
        assertThat(versions(dataset)).as("superseded pairs are no version").isEmpty();

        // Round 2: twelve wrong answers (one of an eval sample), then version 3: twelve pairs are sealed, once.
        List<PromptEvent> round2 = fixture.awaitPrompts(pipeline, 2, 40);
        List<PromptEvent> twelve = new ArrayList<>(pick(round2, samples, 11, false));
        twelve.addAll(pick(round2, samples, 1, true));
        fixture.answer(pipeline, wrong(twelve, samples), 6, 12);
        assertThat(versions(dataset))
                .as("12 outcomes, fewer than everyNew 20, round not complete")
                .isEmpty();
        fixture.promote(model, 3);
        await().atMost(WAIT).untilAsserted(() -> assertThat(versions(dataset)).hasSize(1));
        JsonNode leftovers = manifest(dataset, 1);
        assertThat(leftovers.get("round").asInt()).isEqualTo(2);
        assertThat(leftovers.get("cut").asText()).isEqualTo("leftovers");
        assertThat(leftovers.at("/counts/train").asLong()
                        + leftovers.at("/counts/eval").asLong())
                .isEqualTo(12);
        assertThat(leftovers.at("/counts/superseded").asLong())
                .as("round 1's superseded pairs")
                .isEqualTo(6);
        assertThat(leftovers.at("/lineage/sourceModelVersion").asInt()).isEqualTo(2);

        // A straggler of round 1 arrives now: superseded at once, counted in the next manifest.
        fixture.answer(pipeline, wrong(round1.subList(6, 7), samples), 18, 1);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(outcome(pipeline, "superseded")).isEqualTo(7));

        // Round 3, whole: 20 outcomes (15 pairs) cut a version by count, the other 20 complete the round.
        List<PromptEvent> round3 = fixture.awaitPrompts(pipeline, 3, 40);
        List<PromptEvent> trainSide = pick(round3, samples, 35, false);
        List<PromptEvent> evalSide = pick(round3, samples, 5, true);
        List<GenerationEvent> first = new ArrayList<>(wrong(trainSide.subList(0, 14), samples));
        first.addAll(wrong(evalSide.subList(0, 1), samples));
        first.addAll(right(trainSide.subList(14, 19), samples));
        List<GenerationEvent> second = new ArrayList<>(wrong(trainSide.subList(19, 32), samples));
        second.addAll(wrong(evalSide.subList(1, 3), samples));
        second.addAll(right(trainSide.subList(32, 35), samples));
        second.addAll(right(evalSide.subList(3, 5), samples));
        fixture.answer(pipeline, first, 19, 20);
        await().atMost(WAIT).untilAsserted(() -> assertThat(versions(dataset)).hasSize(2));
        fixture.answer(pipeline, second, 39, 20);
        await().atMost(WAIT).untilAsserted(() -> assertThat(versions(dataset)).hasSize(3));

        JsonNode byCount = manifest(dataset, 2);
        assertThat(byCount.get("cut").asText()).isEqualTo("every-new");
        assertThat(byCount.at("/counts/train").asLong()).isEqualTo(14);
        assertThat(byCount.at("/counts/eval").asLong()).isEqualTo(1);
        assertThat(byCount.at("/counts/dropped.correct").asLong()).isEqualTo(5);
        assertThat(byCount.at("/counts/superseded").asLong())
                .as("the straggler")
                .isEqualTo(1);
        JsonNode complete = manifest(dataset, 3);
        assertThat(complete.get("cut").asText()).isEqualTo("round-complete");
        assertThat(complete.at("/counts/train").asLong()).isEqualTo(13);
        assertThat(complete.at("/counts/eval").asLong()).isEqualTo(2);
        assertThat(complete.at("/counts/dropped.correct").asLong()).isEqualTo(5);
        assertThat(complete.at("/counts/superseded").asLong()).isZero();

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(kafka.events(
                                "tunestream.dataset-versions",
                                DatasetVersionEvent.class,
                                event -> event.dataset().equals(dataset)))
                        .extracting(event -> event.counts().get("superseded"))
                        .containsExactly(6L, 1L, 0L));
        JsonNode statistics = IngestionTest.readJson(given().get("/datasets/" + dataset + "/statistics")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        assertThat(statistics.at("/pipelines/" + pipeline + "/superseded").asLong())
                .isEqualTo(7);
        assertThat(statistics.at("/pipelines/" + pipeline + "/pairs").asLong()).isEqualTo(12 + 30);
        assertThat(outcomeTotal(pipeline)).isEqualTo(59);
    }

    private static void createPipeline(Map<String, Object> request) {
        given().contentType("application/json")
                .body(request)
                .post("/pipelines")
                .then()
                .statusCode(201);
    }

    /** The first {@code count} prompts whose sample is on the given side of the split. */
    private static List<PromptEvent> pick(
            List<PromptEvent> prompts, Map<String, SampleInfo> samples, int count, boolean eval) {
        List<PromptEvent> picked = prompts.stream()
                .filter(prompt -> samples.get(prompt.sampleId()).eval() == eval)
                .limit(count)
                .toList();
        assertThat(picked).hasSize(count);
        return picked;
    }

    private static List<GenerationEvent> wrong(List<PromptEvent> prompts, Map<String, SampleInfo> samples) {
        return prompts.stream()
                .map(prompt -> generation(
                        prompt, "not " + samples.get(prompt.sampleId()).output()))
                .toList();
    }

    private static List<GenerationEvent> right(List<PromptEvent> prompts, Map<String, SampleInfo> samples) {
        return prompts.stream()
                .map(prompt -> generation(prompt, samples.get(prompt.sampleId()).output()))
                .toList();
    }
}
