package io.tunestream.dataset;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.dataset.service.EvalSplit;
import io.tunestream.dataset.service.SampleContent;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.EventIds;
import io.tunestream.events.FinishReason;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.PromptEvent;
import io.tunestream.llm.data.InstructionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The test's side of a dpo pipeline: it plays the registry (promotions of versions with no tokenizer files, so the
 * service renders with its fallback template) and the generation-service (generations with chosen answers).
 */
final class DpoFixture {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String GENERATION_SERVICE = "/test/generation-service";
    private static final double EVAL_FRACTION = 0.1;

    /** One sample as the service holds it. */
    record SampleInfo(String id, String output, boolean eval) {}

    private final KafkaTopics kafka;

    DpoFixture(KafkaTopics kafka) {
        this.kafka = kafka;
    }

    static String newModel() {
        return "m-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * An sft dataset of distinct Alpaca records, exactly {@code train} of them on the train side of the split and
     * {@code eval} on the eval side (chosen by their content hash, as the service splits), so that a test knows where
     * each pair lands. Their answers are {@code "answer <i>"}.
     */
    static String datasetOf(int train, int eval) {
        String dataset = IngestionTest.createDataset("sft");
        addSamples(dataset, "item", train, eval);
        return dataset;
    }

    /** Uploads {@code train} and {@code eval} more distinct records to the dataset, named by {@code batch}. */
    static void addSamples(String dataset, String batch, int train, int eval) {
        List<String> lines = new ArrayList<>();
        int trainLeft = train;
        int evalLeft = eval;
        for (int i = 0; trainLeft > 0 || evalLeft > 0; i++) {
            String instruction = "What is " + batch + " " + i + " of " + dataset + "?";
            String output = "answer " + i;
            boolean isEval = EvalSplit.isEval(
                    SampleContent.of(InstructionRecord.of(instruction, output), "{}")
                            .contentHash(),
                    EVAL_FRACTION);
            if (isEval ? evalLeft-- > 0 : trainLeft-- > 0) {
                lines.add("{\"instruction\": \"" + instruction + "\", \"output\": \"" + output + "\"}");
            }
        }
        IngestionTest.upload(dataset, String.join("\n", lines)).then().statusCode(201);
    }

    /** The dataset's samples by id, with the side of the train/eval split each one's pairs land on. */
    static Map<String, SampleInfo> samples(String dataset) {
        Map<String, SampleInfo> samples = new LinkedHashMap<>();
        JsonNode page = IngestionTest.readJson(given().get("/datasets/" + dataset + "/samples?size=500")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        page.get("items")
                .forEach(item -> samples.put(
                        item.get("id").asText(),
                        new SampleInfo(
                                item.get("id").asText(),
                                item.get("record").get("output").asText(),
                                EvalSplit.isEval(item.get("contentHash").asText(), EVAL_FRACTION))));
        return samples;
    }

    void promote(String model, int version) {
        String prefix = "s3://tunestream/models/" + model + "/" + version + "/";
        kafka.publish(
                List.of(new ModelVersionEvent(
                        EventIds.next(),
                        ModelVersionEvent.SCHEMA_VERSION,
                        Instant.now(),
                        ModelVersionAction.PROMOTED,
                        model,
                        version,
                        ModelVersionEvent.PRODUCTION,
                        version > 1 ? version - 1 : null,
                        null,
                        new ArtifactRef(prefix, List.of()),
                        Map.of(),
                        null)),
                "/test/registry");
    }

    List<PromptEvent> awaitPrompts(String pipeline, int round, int count) {
        List<List<PromptEvent>> found = new ArrayList<>();
        await().atMost(WAIT).untilAsserted(() -> {
            List<PromptEvent> prompts = kafka.events(
                    "tunestream.prompts",
                    PromptEvent.class,
                    prompt -> prompt.pipeline().equals(pipeline) && prompt.round() == round);
            assertThat(prompts).hasSize(count);
            found.add(prompts);
        });
        return found.get(found.size() - 1);
    }

    /** Answers the prompts, and waits until the service has made every outcome of them. */
    void answer(String pipeline, List<GenerationEvent> generations, long outcomesBefore, long outcomesAdded) {
        kafka.publish(generations, GENERATION_SERVICE);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(outcomeTotal(pipeline)).isEqualTo(outcomesBefore + outcomesAdded));
    }

    static GenerationEvent generation(PromptEvent prompt, String... completions) {
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
                completions[0],
                FinishReason.STOP,
                20,
                3,
                12,
                null,
                List.of(completions));
    }

    static JsonNode pipeline(String name) {
        return IngestionTest.readJson(given().get("/pipelines/" + name)
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    static long outcomeTotal(String pipeline) {
        long total = 0;
        for (JsonNode count : pipeline(pipeline).get("outcomes")) {
            total += count.asLong();
        }
        return total;
    }

    static long outcome(String pipeline, String key) {
        return pipeline(pipeline).get("outcomes").path(key).asLong();
    }

    /** The dataset's versions as {@code GET /datasets/{name}/versions} lists them. */
    static List<JsonNode> versions(String dataset) {
        List<JsonNode> versions = new ArrayList<>();
        IngestionTest.readJson(given().get("/datasets/" + dataset + "/versions")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .forEach(versions::add);
        return versions;
    }

    static JsonNode manifest(String dataset, int version) {
        return IngestionTest.readJson(given().get("/datasets/" + dataset + "/versions/" + version)
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    /** Both files of a version, as the preference triples they hold. */
    static List<JsonNode> triples(String dataset, int version) {
        return Stream.of("train.jsonl", "eval.jsonl")
                .flatMap(file -> new String(
                                given().get("/datasets/" + dataset + "/versions/" + version + "/files/" + file)
                                        .then()
                                        .statusCode(200)
                                        .extract()
                                        .asByteArray(),
                                StandardCharsets.UTF_8)
                        .lines())
                .map(IngestionTest::readJson)
                .toList();
    }
}
