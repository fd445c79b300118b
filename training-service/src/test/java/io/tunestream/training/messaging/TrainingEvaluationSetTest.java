package io.tunestream.training.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.EventJson;
import io.tunestream.events.GateEvaluation;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.Recipe;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import io.tunestream.training.FakeRegistryResource;
import io.tunestream.training.JobState;
import io.tunestream.training.KafkaTestClient;
import io.tunestream.training.KnownModelVersion;
import io.tunestream.training.TrainingFixture;
import io.tunestream.training.TrainingJob;
import io.tunestream.training.repository.TrainingJobRepository;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A finished job asks the registry (a real HTTP server standing in for it, {@link FakeRegistryResource}) for its
 * model's promotion policy, reads the evaluation set the policy names from the bucket, and the trained-model event
 * carries parent and candidate on it.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = FakeRegistryResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class TrainingEvaluationSetTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    ObjectStore store;

    @Inject
    TrainingJobRepository jobs;

    private KafkaTestClient kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(bootstrapServers);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void shouldMeasureParentAndCandidateOnThePolicysEvaluationSetPerFamily() {
        String model = announcedModel("gated");
        ObjectRef questions = TrainingFixture.evaluationSet(store, model + "-eval", 1, records(), null);
        String dataset = TrainingFixture.newName("d");
        ConsumerTask<String, byte[]> trained = kafka.readFromStart(KafkaTestClient.TRAINED_MODELS);
        try {
            kafka.publish(TrainingFixture.dpoVersion(store, dataset, 1, model, 1));

            TrainingJob job = awaitFinal(dataset);
            assertThat(job.state).as("job %s error: %s", job.id, job.error).isEqualTo(JobState.SUCCEEDED);
            await().atMost(TIMEOUT).until(() -> events(trained, job.id).size() == 1);
            GateEvaluation evaluation = events(trained, job.id).get(0).evaluation();

            assertThat(evaluation).as("the policy names an evaluation set").isNotNull();
            assertThat(evaluation.dataset()).isEqualTo(model + "-eval");
            assertThat(evaluation.version()).isEqualTo(1);
            assertThat(evaluation.sha256()).isEqualTo(questions.sha256());
            assertThat(evaluation.items()).isEqualTo(6);
            assertThat(evaluation.families().keySet()).containsExactly("ADDITION", "REVERSE_WORD", "default");
            assertThat(evaluation.families().get("ADDITION").items()).isEqualTo(3);
            assertThat(evaluation.families().get("REVERSE_WORD").items()).isEqualTo(2);
            assertThat(evaluation.families().get("default").items()).isEqualTo(1);
            assertThat(evaluation.families().values().stream()
                            .mapToInt(GateEvaluation.FamilyResult::parentCorrect)
                            .sum())
                    .isEqualTo(evaluation.parentCorrect());
            assertThat(evaluation.families().values().stream()
                            .mapToInt(GateEvaluation.FamilyResult::candidateCorrect)
                            .sum())
                    .isEqualTo(evaluation.candidateCorrect());
            assertThat(job.reason).contains("evaluation set " + model + "-eval version 1");
            given().get("/jobs/" + job.id)
                    .then()
                    .statusCode(200)
                    .body("result.evaluation.items", equalTo(6))
                    .body("result.evaluation.dataset", equalTo(model + "-eval"));
        } finally {
            trained.stop();
        }
    }

    @Test
    void shouldRetryARegistryThatFailsOnceAndStillMeasureTheCandidate() {
        String model = announcedModel("flaky");
        TrainingFixture.evaluationSet(store, model + "-eval", 1, records(), null);
        String dataset = TrainingFixture.newName("d");
        kafka.publish(TrainingFixture.dpoVersion(store, dataset, 1, model, 1));

        TrainingJob job = awaitFinal(dataset);

        assertThat(job.state).as("job %s error: %s", job.id, job.error).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.result.get("evaluation"))
                .as("measured after the registry's 503 was retried")
                .isNotNull();
    }

    @Test
    void shouldPublishNoEvaluationForAModelTheRegistryHasNoPolicyFor() {
        String model = announcedModel("plain");
        String dataset = TrainingFixture.newName("d");
        kafka.publish(TrainingFixture.dpoVersion(store, dataset, 1, model, 1));

        TrainingJob job = awaitFinal(dataset);

        assertThat(job.state).as("job %s error: %s", job.id, job.error).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.result).containsEntry("evaluation", null);
    }

    @Test
    void shouldFailAJobWhoseEvaluationSetDiffersFromItsManifest() {
        String model = announcedModel("gated");
        ObjectRef questions = TrainingFixture.evaluationSet(store, model + "-eval", 1, records(), "0".repeat(64));
        String dataset = TrainingFixture.newName("d");
        kafka.publish(TrainingFixture.dpoVersion(store, dataset, 1, model, 1));

        TrainingJob job = awaitFinal(dataset);

        assertThat(job.state).isEqualTo(JobState.FAILED);
        assertThat(job.error).contains(questions.uri()).contains("states sha256 " + "0".repeat(64));
        assertThat(job.result).isNull();
    }

    /** Six questions: three ADDITION, two REVERSE_WORD, one without a family. */
    private static List<Map<String, Object>> records() {
        return List.of(
                record("What is 2 + 3?", "The answer is 5.", "ADDITION"),
                record("What is 4 + 1?", "The answer is 5.", "ADDITION"),
                record("What is 6 + 2?", "The answer is 8.", "ADDITION"),
                record("Reverse the word: cat", "tac", "REVERSE_WORD"),
                record("Reverse the word: dog", "god", "REVERSE_WORD"),
                record("What is 1 + 1?", "The answer is 2.", null));
    }

    private static Map<String, Object> record(String instruction, String output, String family) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("instruction", instruction);
        record.put("input", "");
        record.put("output", output);
        if (family != null) {
            record.put("family", family);
        }
        return record;
    }

    /** A model whose version 1 (the scratch model) is production, named {@code prefix-*} for the fake registry. */
    private String announcedModel(String prefix) {
        String model = TrainingFixture.newName(prefix);
        ArtifactRef artifact = TrainingFixture.uploadModel(store, model, 1);
        kafka.publish(TrainingFixture.promoted(model, 1, artifact));
        await().atMost(TIMEOUT)
                .until(() -> QuarkusTransaction.requiringNew()
                        .call(() -> KnownModelVersion.findById(KnownModelVersion.key(model, 1)) != null));
        return model;
    }

    private TrainingJob awaitFinal(String dataset) {
        await().atMost(TIMEOUT)
                .until(() -> QuarkusTransaction.requiringNew()
                        .call(() -> jobs.findByDatasetVersion(dataset, 1, Recipe.DPO))
                        .filter(j -> j.state.isFinal())
                        .isPresent());
        return QuarkusTransaction.requiringNew()
                .call(() -> jobs.findByDatasetVersion(dataset, 1, Recipe.DPO))
                .orElseThrow();
    }

    private static List<TrainedModelEvent> events(ConsumerTask<String, byte[]> task, String jobId) {
        return task.getRecords().stream()
                .map(record -> EventJson.fromBytes(record.value(), TrainedModelEvent.class))
                .filter(event -> jobId.equals(event.jobId()))
                .toList();
    }
}
