package io.tunestream.dataset;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.Recipe;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** sft and pretrain pipelines: versions sealed by a count trigger, a time window and an explicit call. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SealingTriggersTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void shouldSealAnSftVersionEveryNNewSamplesWithOnlyTheNewOnes() {
        String dataset = IngestionTest.createDataset("sft");
        IngestionTest.upload(dataset, String.join("\n", lines(4, "Echo")))
                .then()
                .statusCode(201);
        createPipeline(dataset + "-sft", dataset, "sft", Map.of("everyNew", 5));
        given().get("/datasets/" + dataset + "/versions").then().statusCode(200).body("", hasSize(0));

        IngestionTest.upload(dataset, lines(5, "Echo").get(4))
                .then()
                .statusCode(201)
                .body("added", equalTo(1));
        await().atMost(WAIT)
                .untilAsserted(() -> given().get("/datasets/" + dataset + "/versions")
                        .then()
                        .statusCode(200)
                        .body("", hasSize(1))
                        .body("[0].recipe", equalTo("sft")));
        List<JsonNode> first = versionRecords(dataset, 1);
        assertThat(first).hasSize(5);
        assertThat(first)
                .allSatisfy(record ->
                        assertThat(record.fieldNames()).toIterable().containsExactly("instruction", "input", "output"));

        given().post("/pipelines/" + dataset + "-sft/seal").then().statusCode(409);
        IngestionTest.upload(dataset, String.join("\n", lines(7, "Echo").subList(5, 7)))
                .then()
                .statusCode(201);
        given().post("/pipelines/" + dataset + "-sft/seal")
                .then()
                .statusCode(201)
                .body("versions[0]", equalTo(2));
        List<JsonNode> second = versionRecords(dataset, 2);
        assertThat(second)
                .as("incremental: only the samples added since version 1")
                .hasSize(2);
        assertThat(second).noneMatch(first::contains);

        try (KafkaTopics kafka = new KafkaTopics(bootstrapServers)) {
            List<DatasetVersionEvent> events = kafka.events(
                    "tunestream.dataset-versions",
                    DatasetVersionEvent.class,
                    event -> event.dataset().equals(dataset));
            assertThat(events).extracting(DatasetVersionEvent::version).containsExactly(1, 2);
            assertThat(events).allSatisfy(event -> assertThat(event.recipe()).isEqualTo(Recipe.SFT));
            assertThat(events.get(1).counts().get("train")
                            + events.get(1).counts().get("eval"))
                    .isEqualTo(2);
        }
    }

    @Test
    void shouldSealAPretrainVersionWhenItsTimeWindowHasPassed() {
        String dataset = IngestionTest.createDataset("pretrain");
        IngestionTest.upload(dataset, "{\"text\": \"one\"}\n{\"text\": \"two\"}\n{\"text\": \"three\"}")
                .then()
                .statusCode(201);
        createPipeline(dataset + "-pt", dataset, "pretrain", Map.of("window", "PT1S"));

        await().atMost(WAIT)
                .untilAsserted(() -> given().get("/datasets/" + dataset + "/versions")
                        .then()
                        .statusCode(200)
                        .body("", hasSize(1))
                        .body("[0].recipe", equalTo("pretrain")));
        assertThat(versionRecords(dataset, 1))
                .extracting(record -> record.get("text").asText())
                .containsExactlyInAnyOrder("one", "two", "three");
    }

    @Test
    void shouldRefuseARecipeTheDatasetCannotFeed() {
        String dataset = IngestionTest.createDataset("pretrain");
        given().contentType("application/json")
                .body(Map.of("name", dataset + "-dpo", "dataset", dataset, "model", "m", "recipe", "dpo"))
                .post("/pipelines")
                .then()
                .statusCode(400);
        given().contentType("application/json")
                .body(Map.of("name", dataset + "-x", "dataset", dataset, "model", "m", "recipe", "rlhf"))
                .post("/pipelines")
                .then()
                .statusCode(400);
    }

    private static void createPipeline(String name, String dataset, String recipe, Map<String, Object> trigger) {
        given().contentType("application/json")
                .body(Map.of("name", name, "dataset", dataset, "model", "tiny", "recipe", recipe, "trigger", trigger))
                .post("/pipelines")
                .then()
                .statusCode(201);
    }

    private static List<String> lines(int count, String instruction) {
        return IntStream.range(0, count)
                .mapToObj(i -> "{\"instruction\": \"" + instruction + " " + i + "\", \"output\": \"" + i + "\"}")
                .toList();
    }

    /** Both files of a version, read through the service's download endpoint. */
    private static List<JsonNode> versionRecords(String dataset, int version) {
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
