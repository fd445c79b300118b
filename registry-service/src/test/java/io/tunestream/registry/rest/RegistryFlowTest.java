package io.tunestream.registry.rest;

import static io.tunestream.registry.KafkaTestClient.awaitModelVersionEvents;
import static io.tunestream.registry.KafkaTestClient.has;
import static io.tunestream.registry.RegistryApi.get;
import static io.tunestream.registry.RegistryApi.importBaseModel;
import static io.tunestream.registry.RegistryApi.importCheckpoint;
import static io.tunestream.registry.RegistryApi.importUpload;
import static io.tunestream.registry.RegistryApi.post;
import static io.tunestream.registry.RegistryApi.setPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesRegex;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.ObjectRef;
import io.tunestream.platform.storage.Sha256;
import io.tunestream.registry.ModelFixture;
import io.tunestream.registry.RegistryApi;
import io.tunestream.registry.RegistryBusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The registry as users and the other services see it: import a base model over REST, register trained versions from
 * the bus, promote, reject, roll back, read lineage and download files, with every change on tunestream.model-versions.
 */
@QuarkusTest
class RegistryFlowTest extends RegistryBusTest {

    private static final String FELL_BACK = "no evaluation set in the policy: fell back to ";

    @Test
    void shouldImportACheckpointAsVersionOneInProductionAndAnnounceIt() {
        String model = ModelFixture.newModelName();

        importCheckpoint(model)
                .statusCode(201)
                .body("model", equalTo(model))
                .body("version", equalTo(1))
                .body("architecture", equalTo("LlamaForCausalLM"))
                .body("registered.aliases", contains("production"))
                .body("registered.state", equalTo("ready"));

        List<ModelVersionEvent> events = awaitModelVersionEvents(modelVersions, model, list -> list.size() >= 2);
        assertThat(events)
                .extracting(
                        ModelVersionEvent::action,
                        ModelVersionEvent::version,
                        ModelVersionEvent::alias,
                        ModelVersionEvent::previousVersion)
                .containsExactly(
                        tuple(ModelVersionAction.REGISTERED, 1, null, null),
                        tuple(ModelVersionAction.PROMOTED, 1, "production", null));
        Map<String, byte[]> expected = ModelFixture.checkpointFiles();
        assertThat(events.get(1).artifact().files())
                .extracting(ObjectRef::uri)
                .containsExactlyInAnyOrderElementsOf(expected.keySet().stream()
                        .map(name -> ModelFixture.versionUri(model, 1) + name)
                        .toList());
        for (Map.Entry<String, byte[]> file : expected.entrySet()) {
            assertThat(ModelFixture.read(store, ModelFixture.versionKey(model, 1, file.getKey())))
                    .as(file.getKey())
                    .isEqualTo(file.getValue());
        }
        get("/models/{model}/aliases/production", model).statusCode(200).body("version", equalTo(1));
    }

    @Test
    void shouldPromoteABetterCandidateAndRejectAWorseOneWithTheReason() {
        String model = importBaseModel();
        setPolicy(model, "automatic", 0.01);

        kafka.publish(ModelFixture.trainedJob(store, model, 1, 4, 0.62, 0.55));
        awaitModelVersionEvents(modelVersions, model, list -> has(list, ModelVersionAction.PROMOTED, 2));
        kafka.publish(ModelFixture.trainedJob(store, model, 2, 5, 0.41, 0.45));
        List<ModelVersionEvent> events =
                awaitModelVersionEvents(modelVersions, model, list -> has(list, ModelVersionAction.REJECTED, 3));

        assertThat(events)
                .extracting(
                        ModelVersionEvent::action,
                        ModelVersionEvent::version,
                        ModelVersionEvent::alias,
                        ModelVersionEvent::previousVersion,
                        ModelVersionEvent::reason)
                .containsExactly(
                        tuple(ModelVersionAction.REGISTERED, 1, null, null, null),
                        tuple(
                                ModelVersionAction.PROMOTED,
                                1,
                                "production",
                                null,
                                "imported as the first version of a new model: production by default"),
                        tuple(ModelVersionAction.REGISTERED, 2, null, null, null),
                        tuple(
                                ModelVersionAction.PROMOTED,
                                2,
                                "production",
                                1,
                                FELL_BACK + "eval/exact_match 0.62 >= parent 0.55 + margin 0.01,"
                                        + " strictly above the parent"),
                        tuple(ModelVersionAction.REGISTERED, 3, null, null, null),
                        tuple(
                                ModelVersionAction.REJECTED,
                                3,
                                null,
                                null,
                                FELL_BACK + "eval/exact_match 0.41 < parent 0.45 + margin 0.01"));
        get("/models/{model}/versions/3", model)
                .statusCode(200)
                .body("decision", equalTo("rejected"))
                .body("decisionReason", equalTo(FELL_BACK + "eval/exact_match 0.41 < parent 0.45 + margin 0.01"))
                .body("gate.rule", equalTo("eval-metric"))
                .body("gate.failedChecks", contains("no-gain"))
                .body("gate.candidateMetric", equalTo(0.41f))
                .body("gate.parentMetric", equalTo(0.45f))
                .body("state", equalTo("ready"))
                .body("metrics.'eval/exact_match'", equalTo(0.41f));
        get("/models/{model}/aliases/production", model).statusCode(200).body("version", equalTo(2));
        RestAssured.given()
                .accept("text/plain")
                .when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(matchesRegex(
                        "(?s).*tunestream_registry_registrations_total\\{[^}]*outcome=\"rejected\"[^}]*} [1-9].*"))
                .body(containsString("tunestream_registry_outbox_pending"));
    }

    @Test
    void shouldRollProductionBackToTheEarlierVersionAndAnnounceIt() {
        String model = importBaseModel();
        kafka.publish(ModelFixture.trainedJob(store, model, 1, 4, 0.62, 0.55));
        awaitModelVersionEvents(modelVersions, model, list -> has(list, ModelVersionAction.PROMOTED, 2));

        post(Map.of("version", 3), "/models/{model}/rollback", model)
                .statusCode(404)
                .body("detail", containsString("has no version 3"));
        post(Map.of("version", 2), "/models/{model}/rollback", model)
                .statusCode(409)
                .body("detail", containsString("earlier version"));
        post(Map.of("reason", "answers got longer"), "/models/{model}/rollback", model)
                .statusCode(200)
                .body("version", equalTo(1))
                .body("aliases", contains("production"));

        List<ModelVersionEvent> events = awaitModelVersionEvents(
                modelVersions,
                model,
                list -> list.stream().anyMatch(event -> event.action() == ModelVersionAction.ROLLED_BACK));
        // The refused requests rolled back and published nothing.
        assertThat(events)
                .extracting(ModelVersionEvent::action)
                .containsExactly(
                        ModelVersionAction.REGISTERED,
                        ModelVersionAction.PROMOTED,
                        ModelVersionAction.REGISTERED,
                        ModelVersionAction.PROMOTED,
                        ModelVersionAction.ROLLED_BACK);
        ModelVersionEvent rolledBack = events.get(4);
        assertThat(rolledBack.version()).isEqualTo(1);
        assertThat(rolledBack.alias()).isEqualTo("production");
        assertThat(rolledBack.previousVersion()).isEqualTo(2);
        assertThat(rolledBack.reason()).isEqualTo("answers got longer");
        assertThat(rolledBack.changesProduction()).isTrue();
        get("/models/{model}/aliases/production", model).statusCode(200).body("version", equalTo(1));
        get("/models/{model}/aliases/production/history", model)
                .statusCode(200)
                .body("action", contains("rolled-back", "promoted", "promoted"));
    }

    @Test
    void shouldKeepATrainedVersionAsCandidateUnderAManualPolicyUntilItIsPromoted() {
        String model = importBaseModel();
        setPolicy(model, "manual", 0.0);
        kafka.publish(ModelFixture.trainedJob(store, model, 1, 4, 0.30, 0.55));
        awaitModelVersionEvents(modelVersions, model, list -> has(list, ModelVersionAction.PROMOTED, 2));
        get("/models/{model}/aliases/candidate", model).statusCode(200).body("version", equalTo(2));
        get("/models/{model}/aliases/production", model).statusCode(200).body("version", equalTo(1));

        // No body: production, the default alias.
        RestAssured.given()
                .when()
                .post("/models/{model}/versions/2/promote", model)
                .then()
                .statusCode(200)
                .body("aliases", hasItem("production"));
        post(Map.of(), "/models/{model}/versions/2/promote", model)
                .statusCode(409)
                .body("detail", containsString("already holds production"));

        List<ModelVersionEvent> events = awaitModelVersionEvents(
                modelVersions,
                model,
                list -> list.stream().filter(event -> event.changesProduction()).count() == 2);
        assertThat(events)
                .extracting(
                        ModelVersionEvent::action,
                        ModelVersionEvent::version,
                        ModelVersionEvent::alias,
                        ModelVersionEvent::previousVersion)
                .containsExactly(
                        tuple(ModelVersionAction.REGISTERED, 1, null, null),
                        tuple(ModelVersionAction.PROMOTED, 1, "production", null),
                        tuple(ModelVersionAction.REGISTERED, 2, null, null),
                        tuple(ModelVersionAction.PROMOTED, 2, "candidate", null),
                        tuple(ModelVersionAction.PROMOTED, 2, "production", 1));
    }

    @Test
    void shouldDrawTheLineageAsAGraphOfVersionsAndDatasetVersions() {
        String model = importBaseModel();
        String job = ModelFixture.newJobId();
        ArtifactRef adapter = ModelFixture.uploadAdapter(store, job);
        kafka.publish(ModelFixture.trainedModel(
                model, job, adapter, ModelFixture.uploadMergedModel(store, job), 1, 4, 0.62, 0.55));
        awaitModelVersionEvents(modelVersions, model, list -> has(list, ModelVersionAction.PROMOTED, 2));

        Response graph =
                get("/models/{model}/lineage", model).statusCode(200).extract().response();
        String v1 = "models/" + model + "/versions/1";
        String v2 = "models/" + model + "/versions/2";
        String dataset = "datasets/arithmetic/versions/4";
        assertThat(graph.jsonPath().getList("nodes.id", String.class)).containsExactlyInAnyOrder(v1, v2, dataset);
        assertThat(graph.jsonPath().getList("edges", Map.class))
                .containsExactlyInAnyOrder(
                        Map.of("from", v2, "to", v1, "kind", "parent"),
                        Map.of("from", v2, "to", dataset, "kind", "trained-on"),
                        Map.of("from", dataset, "to", v1, "kind", "generated-by"));
        get("/models/{model}/versions/2", model)
                .statusCode(200)
                .body("lineage.parentVersion", equalTo(1))
                .body("lineage.datasetVersion", equalTo(4))
                .body("lineage.jobId", equalTo(job))
                .body("adapter.uri", equalTo(adapter.uri()))
                .body("adapter.files[0].sha256", equalTo(adapter.files().get(0).sha256()))
                .body("hyperparameters.lora_r", equalTo(8))
                .body("recipe", equalTo("dpo"));
        get("/models/{model}/versions/1/lineage", model).statusCode(200).body("nodes.id", contains(v1));
    }

    @Test
    void shouldStreamTheExactBytesOfAVersionFile() throws Exception {
        String model = importBaseModel();
        byte[] expected = Files.readAllBytes(ModelFixture.checkpoint().resolve("model.safetensors"));

        Response download = RestAssured.given()
                .when()
                .get("/models/{model}/versions/1/files/model.safetensors", model)
                .then()
                .statusCode(200)
                .extract()
                .response();

        assertThat(download.asByteArray()).isEqualTo(expected);
        assertThat(download.header("X-Checksum-SHA256")).isEqualTo(Sha256.of(expected));
        get("/models/{model}/versions/1/files/missing.bin", model)
                .statusCode(404)
                .body("detail", containsString("has no file 'missing.bin'"));
    }

    @Test
    void shouldAnswerUnknownModelsAndVersionsWith404AndConflictsWith409() {
        get("/models/{model}", "no-such-model")
                .statusCode(404)
                .body("status", equalTo(404))
                .body("detail", equalTo("no model 'no-such-model'"));
        String model = importBaseModel();
        get("/models/{model}/versions/7", model).statusCode(404).body("detail", containsString("has no version 7"));
        importCheckpoint(model).statusCode(409).body("detail", containsString("already exists"));
        RegistryApi.put(Map.of("mode", "sometimes"), "/models/{model}/policy", model)
                .statusCode(400)
                .body("detail", containsString("'manual' or 'automatic'"));
    }

    @Test
    void shouldAnswerThePolicyWithItsEvaluationSetAndDefaultsAndStoreWhatIsPut() {
        String model = importBaseModel();

        get("/models/{model}/policy", model)
                .statusCode(200)
                .body("mode", equalTo("automatic"))
                .body("margin", equalTo(0.0f))
                .body("evaluationSet", nullValue())
                .body("alpha", equalTo(0.05f))
                .body("familyTolerance", equalTo(0.02f))
                .body("$", hasKey("evaluationSet"));

        RegistryApi.put(
                        Map.of(
                                "mode",
                                "automatic",
                                "margin",
                                0.01,
                                "evaluationSet",
                                Map.of("dataset", "tasks-eval", "version", 3),
                                "alpha",
                                0.01,
                                "familyTolerance",
                                0.05),
                        "/models/{model}/policy",
                        model)
                .statusCode(200)
                .body("evaluationSet.dataset", equalTo("tasks-eval"))
                .body("evaluationSet.version", equalTo(3));
        get("/models/{model}/policy", model)
                .statusCode(200)
                .body("mode", equalTo("automatic"))
                .body("margin", equalTo(0.01f))
                .body("evaluationSet.dataset", equalTo("tasks-eval"))
                .body("evaluationSet.version", equalTo(3))
                .body("alpha", equalTo(0.01f))
                .body("familyTolerance", equalTo(0.05f));
        get("/models/{model}", model).statusCode(200).body("policy.evaluationSet.version", equalTo(3));

        // A PUT replaces the policy: what it leaves out takes its default.
        RegistryApi.put(Map.of("mode", "manual"), "/models/{model}/policy", model)
                .statusCode(200)
                .body("evaluationSet", nullValue())
                .body("alpha", equalTo(0.05f))
                .body("familyTolerance", equalTo(0.02f));
    }

    @Test
    void shouldRefuseAPolicyOutOfRangeNamingTheFieldAndKeepTheOldOne() {
        String model = importBaseModel();
        RegistryApi.setEvaluationPolicy(model, "tasks-eval", 1);

        for (double alpha : new double[] {0.0, 1.0, -0.1, 1.5}) {
            RegistryApi.put(Map.of("mode", "automatic", "alpha", alpha), "/models/{model}/policy", model)
                    .statusCode(400)
                    .body("detail", containsString("policy.alpha must be in (0, 1)"));
        }
        RegistryApi.put(Map.of("mode", "automatic", "familyTolerance", -0.01), "/models/{model}/policy", model)
                .statusCode(400)
                .body("detail", containsString("policy.familyTolerance must be a finite number >= 0"));
        RegistryApi.put(
                        Map.of("mode", "automatic", "evaluationSet", Map.of("dataset", "tasks-eval", "version", 0)),
                        "/models/{model}/policy",
                        model)
                .statusCode(400)
                .body("detail", containsString("policy.evaluationSet.version must be a sealed version number >= 1"));
        RegistryApi.put(
                        Map.of("mode", "automatic", "evaluationSet", Map.of("dataset", "tasks-eval")),
                        "/models/{model}/policy",
                        model)
                .statusCode(400)
                .body("detail", containsString("policy.evaluationSet.version"));
        RegistryApi.put(
                        Map.of("mode", "automatic", "evaluationSet", Map.of("version", 1)),
                        "/models/{model}/policy",
                        model)
                .statusCode(400)
                .body("detail", containsString("policy.evaluationSet.dataset is required"));
        RegistryApi.put(Map.of("mode", "automatic", "margin", -1), "/models/{model}/policy", model)
                .statusCode(400)
                .body("detail", containsString("policy.margin"));

        get("/models/{model}/policy", model)
                .statusCode(200)
                .body("evaluationSet.dataset", equalTo("tasks-eval"))
                .body("evaluationSet.version", equalTo(1))
                .body("alpha", equalTo(0.05f));
    }

    @Test
    void shouldRefuseACheckpointWithoutATokenizerAndCreateNothing() throws Exception {
        String model = ModelFixture.newModelName();
        Path incomplete = Files.createTempDirectory("incomplete-checkpoint-");
        for (String name : List.of("config.json", "model.safetensors")) {
            Files.copy(ModelFixture.checkpoint().resolve(name), incomplete.resolve(name));
        }

        importUpload(model, incomplete).statusCode(400).body("detail", containsString("tokenizer.json"));

        get("/models/{model}", model).statusCode(404);
    }

    @Test
    void shouldImportACheckpointDirectoryOnTheServerOnlyUnderAnAllowedRoot() {
        String model = ModelFixture.newModelName();

        post(Map.of("directory", "/etc"), "/models/{model}/import", model)
                .statusCode(400)
                .body("detail", containsString("allowed import directories"));
        post(Map.of("directory", ModelFixture.checkpoint().toString()), "/models/{model}/import", model)
                .statusCode(201)
                .body("version", equalTo(1))
                .body(
                        "registered.source",
                        containsString(ModelFixture.checkpoint().toString()));

        get("/models/{model}/aliases/production", model).statusCode(200).body("version", equalTo(1));
    }
}
