package io.tunestream.dataset;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.platform.storage.Sha256;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Evaluation sets: datasets of kind {@code eval}, sealed whole on request, never published, never trained. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EvaluationSetTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void shouldSealEveryRecordWithItsFamilyIntoEvalJsonlAndNeverPublishIt() {
        String dataset = IngestionTest.createDataset("eval");
        given().post("/datasets/" + dataset + "/versions")
                .then()
                .statusCode(409)
                .body("detail", containsString("no samples"));

        // A family that is not a string is refused, naming line and field; nothing is stored.
        IngestionTest.upload(dataset, """
                {"instruction": "2 + 2", "output": "4", "family": "arithmetic"}
                {"instruction": "3 + 3", "output": "6", "family": 3}
                """)
                .then()
                .statusCode(400)
                .body("invalid", equalTo(1))
                .body("errors[0].line", equalTo(2))
                .body("errors[0].field", equalTo("family"))
                .body("errors[0].problem", containsString("expected a string"));
        given().get("/datasets/" + dataset + "/statistics")
                .then()
                .statusCode(200)
                .body("samples", equalTo(0));
        IngestionTest.upload(dataset, "{\"instruction\": \"Conversations\", \"output\": \"x\", \"family\": \" \"}")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("family"));
        IngestionTest.upload(dataset, "{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\"}")
                .then()
                .statusCode(400);

        IngestionTest.upload(dataset, """
                {"instruction": "2 + 2", "output": "4", "family": "arithmetic"}
                {"family": "reverse", "instruction": "Reverse the word", "input": "abc", "output": "cba"}
                {"instruction": "Capital of France?", "output": "Paris"}
                """).then().statusCode(201).body("added", equalTo(3));
        String body = given().post("/datasets/" + dataset + "/versions")
                .then()
                .statusCode(201)
                .header("Location", containsString("/datasets/" + dataset + "/versions/1"))
                .body("dataset", equalTo(dataset))
                .body("version", equalTo(1))
                .body("records", equalTo(3))
                .extract()
                .asString();
        String sha256 = IngestionTest.readJson(body).get("sha256").asText();

        byte[] eval = file(dataset, 1, "eval.jsonl");
        assertThat(Sha256.of(eval)).isEqualTo(sha256);
        assertThat(file(dataset, 1, "train.jsonl")).isEmpty();
        List<JsonNode> records = IngestionTest.parse(
                new String(eval, StandardCharsets.UTF_8).lines().toList());
        assertThat(records).hasSize(3);
        assertThat(records.get(0).toString())
                .isEqualTo("{\"instruction\":\"2 + 2\",\"input\":\"\",\"output\":\"4\",\"family\":\"arithmetic\"}");
        assertThat(records.get(1).get("family").asText()).isEqualTo("reverse");
        assertThat(records.get(1).get("input").asText()).isEqualTo("abc");
        assertThat(records.get(2).has("family"))
                .as("no family: the default one")
                .isFalse();

        JsonNode manifest = DpoFixture.manifest(dataset, 1);
        assertThat(manifest.get("kind").asText()).isEqualTo("eval");
        assertThat(manifest.has("recipe")).isFalse();
        assertThat(manifest.at("/files/eval.jsonl/sha256").asText()).isEqualTo(sha256);
        assertThat(manifest.at("/files/train.jsonl/sha256").asText()).isEqualTo(Sha256.of(new byte[0]));
        assertThat(manifest.at("/counts/eval").asLong()).isEqualTo(3);
        assertThat(manifest.at("/counts/train").asLong()).isZero();
        assertThat(manifest.at("/families/arithmetic").asLong()).isEqualTo(1);
        assertThat(manifest.at("/families/default").asLong()).isEqualTo(1);
        given().get("/datasets/" + dataset + "/versions")
                .then()
                .statusCode(200)
                .body("[0].kind", equalTo("eval"))
                .body("[0].recipe", nullValue())
                .body("[0].eval", equalTo(3))
                .body("[0].train", equalTo(0))
                .body("[0].publishedAt", nullValue())
                .body("[0].manifestSha256", equalTo(Sha256.of(file(dataset, 1, "manifest.json"))));

        // Nothing new: no second, identical version. One more record: version 2 holds all four.
        given().post("/datasets/" + dataset + "/versions")
                .then()
                .statusCode(409)
                .body("detail", containsString("no samples added since version 1"));
        IngestionTest.upload(dataset, "{\"instruction\": \"5 - 1\", \"output\": \"4\", \"family\": \"arithmetic\"}")
                .then()
                .statusCode(201);
        given().post("/datasets/" + dataset + "/versions")
                .then()
                .statusCode(201)
                .body("version", equalTo(2))
                .body("records", equalTo(4));

        // Never published: the periodic check (every second in tests) that republishes unpublished versions leaves
        // evaluation sets alone.
        try (KafkaTopics kafka = new KafkaTopics(bootstrapServers)) {
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> kafka.events(
                                    "tunestream.dataset-versions",
                                    DatasetVersionEvent.class,
                                    event -> event.dataset().equals(dataset))
                            .isEmpty());
        }
        given().get("/datasets/" + dataset + "/versions").then().statusCode(200).body("[1].publishedAt", nullValue());
    }

    @Test
    void shouldRefuseAPipelineOnAnEvaluationSetAndAVersionRequestForAnotherKind() {
        String evalSet = IngestionTest.createDataset("eval");
        given().contentType("application/json")
                .body(Map.of("name", evalSet + "-dpo", "dataset", evalSet, "model", "m", "recipe", "dpo"))
                .post("/pipelines")
                .then()
                .statusCode(400)
                .body("detail", containsString("eval dataset never trains"));
        given().contentType("application/json")
                .body(Map.of("name", evalSet + "-sft", "dataset", evalSet, "model", "m", "recipe", "sft"))
                .post("/pipelines")
                .then()
                .statusCode(400);
        String sft = IngestionTest.createDataset("sft");
        IngestionTest.upload(sft, "{\"instruction\": \"a\", \"output\": \"b\"}")
                .then()
                .statusCode(201);
        given().post("/datasets/" + sft + "/versions")
                .then()
                .statusCode(400)
                .body("detail", containsString("only an eval dataset is versioned on request"));
        given().post("/datasets/no-such-set/versions").then().statusCode(404);
    }

    private static byte[] file(String dataset, int version, String file) {
        return given().get("/datasets/" + dataset + "/versions/" + version + "/files/" + file)
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
    }
}
