package io.tunestream.training.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.EventJson;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.Recipe;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.platform.storage.Sha256;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import io.tunestream.training.JobState;
import io.tunestream.training.KafkaTestClient;
import io.tunestream.training.KnownModelVersion;
import io.tunestream.training.TrainingFixture;
import io.tunestream.training.TrainingJob;
import io.tunestream.training.repository.TrainingJobRepository;
import io.tunestream.training.service.FineTuner;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dataset versions on the real broker become jobs that the runner trains into trained-model events. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class TrainingFlowTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

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
    void shouldTrainADatasetVersionIntoATrainedModelEvent() throws Exception {
        String model = announcedModel();
        String dataset = TrainingFixture.newName("d");
        ConsumerTask<String, byte[]> trained = kafka.readFromStart(KafkaTestClient.TRAINED_MODELS);
        try {
            kafka.publish(TrainingFixture.dpoVersion(store, dataset, 1, model, 1));

            TrainingJob job = awaitJob(dataset, 1, j -> j.state.isFinal());
            assertThat(job.state).as("job %s error: %s", job.id, job.error).isEqualTo(JobState.SUCCEEDED);
            assertThat(job.step).isEqualTo(4);
            assertThat(job.checkpointStep).as("a checkpoint every 2 steps").isEqualTo(4);
            assertThat(job.resumedFromStep).isZero();
            assertThat(job.baseModelVersion).isEqualTo(1);
            given().get("/jobs/" + job.id + "/metrics")
                    .then()
                    .statusCode(200)
                    .body("step", equalTo(List.of(1, 2, 3, 4)));

            await().atMost(TIMEOUT).until(() -> events(trained, job.id).size() == 1);
            TrainedModelEvent event = events(trained, job.id).get(0);
            assertThat(event.model()).isEqualTo(model);
            assertThat(event.recipe()).isEqualTo(Recipe.DPO);
            assertThat(event.evalMetric())
                    .as("every held-out answer is verifiable")
                    .isEqualTo(FineTuner.EXACT_MATCH_METRIC);
            for (Map<String, Double> metrics : List.of(event.candidateMetrics(), event.parentMetrics())) {
                assertThat(metrics)
                        .containsKeys("eval/loss", FineTuner.DPO_EVAL_METRIC)
                        .containsEntry(FineTuner.EXACT_MATCH_QUESTIONS, 4.0);
                assertThat(metrics.get(FineTuner.EXACT_MATCH_METRIC)).isBetween(0.0, 1.0);
            }
            assertThat(event.hyperparameters())
                    .containsEntry("maxSteps", 4)
                    .containsEntry("lossType", "sigmoid")
                    .containsEntry("nllWeight", 1.0);
            assertThat(event.steps()).isEqualTo(4);
            assertThat(event.chosenStep())
                    .as("chosen on the validation split, the start competing")
                    .isBetween(0L, 4L);
            assertThat(job.result)
                    .containsEntry("chosenStep", event.chosenStep().intValue())
                    .containsEntry("steps", 4);
            assertThat(event.evaluation())
                    .as("no registry configured: no evaluation set")
                    .isNull();
            assertThat(job.reason)
                    .contains(
                            event.chosenStep() == 0
                                    ? "no step beat the starting weights"
                                    : "step " + event.chosenStep() + " of 4 chosen by eval/exact_match");
            assertThat(event.lineage().jobId()).isEqualTo(job.id);
            assertThat(event.lineage().parentModelVersion()).isEqualTo(1);
            assertThat(event.lineage().dataset()).isEqualTo(dataset);
            assertThat(event.adapter().uri()).isEqualTo("s3://tunestream/adapters/" + job.id + "/");
            assertThat(event.mergedModel().uri()).isEqualTo("s3://tunestream/checkpoints/" + job.id + "/merged/");
            assertThat(names(event.adapter())).contains("adapter_config.json", "adapter_model.safetensors");
            assertThat(names(event.mergedModel())).contains("config.json", "tokenizer.json");
            assertStored(event.adapter());
            assertStored(event.mergedModel());
            assertThat(job.result).containsEntry("eventId", event.eventId());
        } finally {
            trained.stop();
        }
    }

    @Test
    void shouldTrainAnSftJobSubmittedOverRestAndCompareItWithItsParentOnEvalLoss() {
        String model = announcedModel();
        String dataset = TrainingFixture.newName("d");
        TrainingFixture.datasetVersion(store, dataset, 1, model, 1, Recipe.SFT);
        String id = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "dataset",
                        dataset,
                        "version",
                        1,
                        "recipe",
                        "sft",
                        "hyperparameters",
                        Map.of("maxSteps", 3, "exactMatchMaxAnswerTokens", 0)))
                .post("/jobs")
                .then()
                .statusCode(201)
                .extract()
                .path("id");

        String progress = given().accept("text/event-stream")
                .get("/jobs/" + id + "/progress")
                .then()
                .statusCode(200)
                .extract()
                .asString();

        assertThat(progress).as("the stream follows the job until it ends").contains("\"state\":\"SUCCEEDED\"");
        TrainingJob job = job(id);
        assertThat(job.state).as("job %s error: %s", job.id, job.error).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.result).containsEntry("evalMetric", FineTuner.SFT_EVAL_METRIC);
        @SuppressWarnings("unchecked")
        Map<String, Double> candidate = (Map<String, Double>) job.result.get("candidateMetrics");
        @SuppressWarnings("unchecked")
        Map<String, Double> parent = (Map<String, Double>) job.result.get("parentMetrics");
        assertThat(candidate.get(FineTuner.SFT_EVAL_METRIC)).isEqualTo(-candidate.get("eval/loss"));
        assertThat(candidate).as("exact match is off for this job").doesNotContainKey(FineTuner.EXACT_MATCH_METRIC);
        assertThat(parent.get("eval/loss")).isPositive();
        given().get("/jobs/" + id + "/metrics").then().statusCode(200).body("step", equalTo(List.of(1, 2, 3)));
    }

    @Test
    void shouldFailAJobWhoseTrainingFileDiffersFromItsEvent() {
        String model = announcedModel();
        String dataset = TrainingFixture.newName("d");
        DatasetVersionEvent sealed = TrainingFixture.dpoVersion(store, dataset, 1, model, 1);
        ObjectRef train = sealed.train();
        ObjectRef tampered = new ObjectRef(train.uri(), "0".repeat(64), train.sizeBytes());
        kafka.publish(new DatasetVersionEvent(
                sealed.eventId(),
                sealed.schemaVersion(),
                sealed.occurredAt(),
                dataset,
                1,
                Recipe.DPO,
                tampered,
                sealed.eval(),
                sealed.manifest(),
                sealed.counts(),
                null,
                sealed.lineage()));

        TrainingJob job = awaitJob(dataset, 1, j -> j.state.isFinal());

        assertThat(job.state).isEqualTo(JobState.FAILED);
        assertThat(job.error).contains(train.uri()).contains("states sha256 " + "0".repeat(64));
        assertThat(job.step).isZero();
    }

    @Test
    void shouldCreateOneJobForARedeliveredDatasetVersion() {
        String dataset = TrainingFixture.newName("d");
        DatasetVersionEvent event = TrainingFixture.dpoVersion(store, dataset, 1, "m-unknown", 1);
        kafka.publish(event);
        kafka.publish(event);
        // The same dataset is the same partition: once version 2 has its job, both copies of version 1 were consumed.
        kafka.publish(TrainingFixture.dpoVersion(store, dataset, 2, "m-unknown", 1));
        awaitJob(dataset, 2, j -> true);

        long count = QuarkusTransaction.requiringNew()
                .call(() -> jobs.count("dataset = ?1 and datasetVersion = 1", dataset));
        assertThat(count).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterAPoisonRecord() {
        String key = TrainingFixture.newName("poison");
        ConsumerTask<String, byte[]> dlq = kafka.readFromStart(KafkaTestClient.DATASET_VERSIONS_DLQ);
        try {
            kafka.publishRaw(KafkaTestClient.DATASET_VERSIONS, key, "{not json".getBytes(StandardCharsets.UTF_8));

            await().atMost(TIMEOUT).until(() -> dlq.getRecords().stream().anyMatch(r -> key.equals(r.key())));
            ConsumerRecord<String, byte[]> record = dlq.getRecords().stream()
                    .filter(r -> key.equals(r.key()))
                    .findFirst()
                    .orElseThrow();
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(record.headers().lastHeader("dead-letter-reason")).isNotNull();
        } finally {
            dlq.stop();
        }
    }

    @Test
    void shouldStopARunningJobWhenCancelledAndTakeTheNextOne() {
        String model = announcedModel();
        String dataset = TrainingFixture.newName("d");
        TrainingFixture.dpoVersion(store, dataset, 1, model, 1);
        String id = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "dataset",
                        dataset,
                        "version",
                        1,
                        "recipe",
                        "dpo",
                        "hyperparameters",
                        Map.of("maxSteps", 100000)))
                .post("/jobs")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        await().atMost(TIMEOUT).until(() -> job(id).step >= 1);

        given().post("/jobs/" + id + "/cancel").then().statusCode(200).body("state", equalTo("CANCELLED"));

        // One runner per JVM: the next job can only start once the cancelled one stopped training.
        String next = TrainingFixture.newName("d");
        TrainingFixture.dpoVersion(store, next, 1, model, 1);
        String nextId = given().contentType(ContentType.JSON)
                .body(Map.of("dataset", next, "version", 1, "recipe", "dpo"))
                .post("/jobs")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        await().atMost(TIMEOUT).until(() -> job(nextId).state == JobState.SUCCEEDED);
        TrainingJob cancelled = job(id);
        assertThat(cancelled.state).isEqualTo(JobState.CANCELLED);
        assertThat(cancelled.step).isLessThan(100000);
        assertThat(cancelled.result).isNull();
    }

    @Test
    void shouldResumeAJobWhoseRunnerDiedFromItsLastCheckpointAndFinishItOnce() throws Exception {
        String model = announcedModel();
        String dataset = TrainingFixture.newName("d");
        TrainingFixture.dpoVersion(store, dataset, 1, model, 1);
        int maxSteps = 60;
        String id = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "dataset",
                        dataset,
                        "version",
                        1,
                        "recipe",
                        "dpo",
                        "hyperparameters",
                        Map.of("maxSteps", maxSteps)))
                .post("/jobs")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> job(id).checkpointStep >= 2);

        // The replica that trains it dies: its lease is someone else's and already expired, as after a crash. The
        // runner's next step finds the lease gone and stops; a claim then finds the expired lease and takes the job.
        int taken = QuarkusTransaction.requiringNew()
                .call(() -> jobs.update(
                        "leaseOwner = 'crashed-replica', leaseExpiresAt = ?1 where id = ?2 and state = ?3",
                        java.time.Instant.now().minusSeconds(1),
                        id,
                        JobState.RUNNING));
        assertThat(taken).as("the job was still running when its replica died").isEqualTo(1);

        await().atMost(TIMEOUT).until(() -> job(id).state.isFinal());
        TrainingJob job = job(id);
        assertThat(job.state).as("job %s error: %s", job.id, job.error).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.attempts).isEqualTo(2);
        assertThat(job.resumedFromStep)
                .as("resumed from a checkpoint, not from the start")
                .isPositive()
                .isLessThan(maxSteps)
                .isEven();
        assertThat(job.step).isEqualTo(maxSteps);
        List<Integer> steps = given().get("/jobs/" + id + "/metrics")
                .then()
                .statusCode(200)
                .extract()
                .path("step");
        assertThat(steps)
                .as("every step recorded once")
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, maxSteps)
                        .boxed()
                        .toList());
        String prefix = "checkpoints/" + id + "/step-" + job.resumedFromStep + "/";
        try (InputStream state = store.open(prefix + "state.json")) {
            assertThat(EventJson.mapper().readTree(state).get("step").asLong()).isEqualTo(job.resumedFromStep);
        }
    }

    @Test
    void shouldPretrainOverAnNf4BaseAndPublishTheAdapterAndTheMergedModel() {
        String model = announcedModel();
        String dataset = TrainingFixture.newName("d");
        TrainingFixture.datasetVersion(store, dataset, 1, model, 1, Recipe.PRETRAIN);
        String id = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "dataset",
                        dataset,
                        "version",
                        1,
                        "recipe",
                        "pretrain",
                        "hyperparameters",
                        Map.of("maxSteps", 3, "method", "qlora-nf4")))
                .post("/jobs")
                .then()
                .statusCode(201)
                .extract()
                .path("id");

        await().atMost(TIMEOUT).until(() -> job(id).state.isFinal());

        TrainingJob job = job(id);
        assertThat(job.state).as("job %s error: %s", job.id, job.error).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.hyperparameters).containsEntry("method", "qlora-nf4");
        assertThat(job.result).containsEntry("evalMetric", FineTuner.SFT_EVAL_METRIC);
        assertThat(job.result.get("adapter")).isNotNull();
        assertThat(job.result.get("mergedModel")).isNotNull();
    }

    @Test
    void shouldFullyFineTuneEveryWeightAndPublishNoAdapter() {
        String model = announcedModel();
        String dataset = TrainingFixture.newName("d");
        TrainingFixture.datasetVersion(store, dataset, 1, model, 1, Recipe.SFT);
        String id = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "dataset",
                        dataset,
                        "version",
                        1,
                        "recipe",
                        "sft",
                        "hyperparameters",
                        Map.of("maxSteps", 2, "method", "full", "learningRate", 1e-3)))
                .post("/jobs")
                .then()
                .statusCode(201)
                .extract()
                .path("id");

        await().atMost(TIMEOUT).until(() -> job(id).state.isFinal());

        TrainingJob job = job(id);
        assertThat(job.state).as("job %s error: %s", job.id, job.error).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.result.get("adapter"))
                .as("full fine-tuning has no adapter")
                .isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> merged = (Map<String, Object>) job.result.get("mergedModel");
        assertThat(merged.get("uri")).isEqualTo("s3://tunestream/checkpoints/" + id + "/merged/");
        @SuppressWarnings("unchecked")
        Map<String, Double> candidate = (Map<String, Double>) job.result.get("candidateMetrics");
        @SuppressWarnings("unchecked")
        Map<String, Double> parent = (Map<String, Double>) job.result.get("parentMetrics");
        assertThat(candidate.get("eval/loss")).as("the weights moved").isNotEqualTo(parent.get("eval/loss"));
    }

    @Test
    void shouldSupersedeAVersionOfAModelVersionNoLongerInProductionAndNeverTrainIt() {
        String model = announcedModel();
        ArtifactRef second = TrainingFixture.uploadModel(store, model, 2);
        kafka.publish(TrainingFixture.promoted(model, 2, second));
        await().atMost(TIMEOUT)
                .until(() -> QuarkusTransaction.requiringNew().call(() -> {
                    KnownModelVersion known = KnownModelVersion.findById(KnownModelVersion.key(model, 2));
                    return known != null && known.production;
                }));
        String dataset = TrainingFixture.newName("d");
        // Generated by version 1, which version 2 replaced in production; version 2's twin asks to be trained anyway.
        kafka.publish(TrainingFixture.dpoVersion(store, dataset, 1, model, 1));
        kafka.publish(TrainingFixture.dpoVersion(store, dataset, 2, model, 1, Map.of("trainSuperseded", true)));

        TrainingJob stale = awaitJob(dataset, 1, j -> j.state.isFinal());
        TrainingJob forced = awaitJob(dataset, 2, j -> j.state.isFinal());

        assertThat(stale.state).isEqualTo(JobState.SUPERSEDED);
        assertThat(stale.reason)
                .contains("dataset version " + dataset + "/1 was generated by " + model + " version 1")
                .contains("no longer production (version 2 is)")
                .contains("trainSuperseded=true");
        assertThat(stale.attempts).as("never claimed for training").isZero();
        assertThat(stale.startedAt).isNull();
        assertThat(stale.step).isZero();
        assertThat(stale.result).isNull();
        given().get("/jobs/" + stale.id + "/metrics").then().statusCode(200).body("size()", equalTo(0));
        given().get("/jobs")
                .then()
                .statusCode(200)
                .body("find { it.id == '" + stale.id + "' }.state", equalTo("SUPERSEDED"))
                .body("find { it.id == '" + stale.id + "' }.reason", equalTo(stale.reason));
        assertThat(forced.state).as("job %s error: %s", forced.id, forced.error).isEqualTo(JobState.SUCCEEDED);
        assertThat(forced.baseModelVersion)
                .as("trained from the version that generated it")
                .isEqualTo(1);
    }

    @Test
    void shouldCoalesceQueuedVersionsOfOnePipelineAndRoundIntoOneJobOverTheirUnion() {
        String model = announcedModel();
        // The runner is busy with a long job while the round's versions arrive, so they are all queued together.
        String busyDataset = TrainingFixture.newName("d");
        TrainingFixture.dpoVersion(store, busyDataset, 1, model, 1);
        String busy = given().contentType(ContentType.JSON)
                .body(Map.of(
                        "dataset",
                        busyDataset,
                        "version",
                        1,
                        "recipe",
                        "dpo",
                        "hyperparameters",
                        Map.of("maxSteps", 100000)))
                .post("/jobs")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        await().atMost(TIMEOUT).until(() -> job(busy).step >= 1);
        String dataset = TrainingFixture.newName("d");
        ConsumerTask<String, byte[]> trained = kafka.readFromStart(KafkaTestClient.TRAINED_MODELS);
        try {
            for (int version = 1; version <= 3; version++) {
                kafka.publish(TrainingFixture.dpoVersion(store, dataset, version, model, 1));
            }
            awaitJob(dataset, 3, j -> j.state == JobState.QUEUED);
            given().post("/jobs/" + busy + "/cancel").then().statusCode(200);

            TrainingJob taker = awaitJob(dataset, 1, j -> j.state.isFinal());
            TrainingJob second = awaitJob(dataset, 2, j -> true);
            TrainingJob third = awaitJob(dataset, 3, j -> true);

            assertThat(taker.state)
                    .as("job %s error: %s", taker.id, taker.error)
                    .isEqualTo(JobState.SUCCEEDED);
            assertThat(taker.result.get("datasetVersions"))
                    .isEqualTo(List.of(dataset + "/1", dataset + "/2", dataset + "/3"));
            assertThat(taker.result).as("8 pairs per version").containsEntry("trainExamples", 24);
            assertThat(taker.coalescedVersions)
                    .extracting(part -> part.get("jobId"))
                    .containsExactly(second.id, third.id);
            assertThat(taker.reason).contains("trained on " + dataset + "/1, " + dataset + "/2, " + dataset + "/3");
            for (TrainingJob taken : List.of(second, third)) {
                assertThat(taken.state).isEqualTo(JobState.COALESCED);
                assertThat(taken.coalescedInto).isEqualTo(taker.id);
                assertThat(taken.reason)
                        .startsWith("coalesced into job " + taker.id)
                        .contains("pipeline rounds, round of " + model + " version 1");
                assertThat(taken.attempts).isZero();
                given().get("/jobs/" + taken.id)
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("COALESCED"))
                        .body("coalescedInto", equalTo(taker.id))
                        .body("reason", equalTo(taken.reason));
            }
            await().atMost(TIMEOUT).until(() -> events(trained, taker.id).size() == 1);
            assertThat(events(trained, second.id)).isEmpty();
            assertThat(events(trained, third.id)).isEmpty();
        } finally {
            trained.stop();
        }
    }

    @Test
    void shouldTrainWithTheRecipeOfTheDatasetVersionEventAndReturnTheStartWhenNoStepBeatsIt() {
        String model = announcedModel();
        String dataset = TrainingFixture.newName("d");
        ConsumerTask<String, byte[]> trained = kafka.readFromStart(KafkaTestClient.TRAINED_MODELS);
        try {
            // A learning rate this small moves no greedy answer: no step can beat the start, which is returned.
            kafka.publish(TrainingFixture.dpoVersion(
                    store,
                    dataset,
                    1,
                    model,
                    1,
                    Map.of(
                            "maxSteps",
                            3,
                            "evalEvery",
                            1,
                            "lossType",
                            "ipo",
                            "nllWeight",
                            0.5,
                            "beta",
                            0.2,
                            "learningRate",
                            1e-9)));

            TrainingJob job = awaitJob(dataset, 1, j -> j.state.isFinal());

            assertThat(job.state).as("job %s error: %s", job.id, job.error).isEqualTo(JobState.SUCCEEDED);
            assertThat(job.hyperparameters)
                    .containsEntry("lossType", "ipo")
                    .containsEntry("nllWeight", 0.5)
                    .containsEntry("beta", 0.2)
                    .containsEntry("maxSteps", 3)
                    .containsEntry("learningRate", 1e-9);
            await().atMost(TIMEOUT).until(() -> events(trained, job.id).size() == 1);
            TrainedModelEvent event = events(trained, job.id).get(0);
            assertThat(event.hyperparameters()).containsEntry("lossType", "ipo").containsEntry("nllWeight", 0.5);
            assertThat(event.steps()).isEqualTo(3);
            assertThat(event.chosenStep()).isZero();
            assertThat(job.reason)
                    .startsWith("no step beat the starting weights on the validation split")
                    .contains("the candidate is the starting model (chosenStep 0 of 3)");
            @SuppressWarnings("unchecked")
            Map<String, Object> selection = (Map<String, Object>) job.result.get("selection");
            assertThat(selection)
                    .containsEntry("keptStart", true)
                    .containsEntry("metric", FineTuner.EXACT_MATCH_METRIC)
                    .containsEntry("chosenStep", 0);
            given().get("/jobs/" + job.id + "/metrics")
                    .then()
                    .statusCode(200)
                    .body("step", equalTo(List.of(1, 2, 3)))
                    .body("[0].metrics", hasKey("eval/exact_match"));
        } finally {
            trained.stop();
        }
    }

    @Test
    void shouldFailAJobWhoseEventAsksForAnUnknownHyperparameterAndConsumeTheNextVersion() {
        String model = announcedModel();
        String dataset = TrainingFixture.newName("d");
        kafka.publish(TrainingFixture.dpoVersion(store, dataset, 1, model, 1, Map.of("epochs", 3)));
        kafka.publish(TrainingFixture.dpoVersion(store, dataset, 2, model, 1, Map.of("lossType", "kto")));
        kafka.publish(TrainingFixture.dpoVersion(store, dataset, 3, model, 1));

        TrainingJob unknown = awaitJob(dataset, 1, j -> j.state.isFinal());
        TrainingJob invalid = awaitJob(dataset, 2, j -> j.state.isFinal());
        TrainingJob next = awaitJob(dataset, 3, j -> j.state.isFinal());

        assertThat(unknown.state).isEqualTo(JobState.FAILED);
        assertThat(unknown.error)
                .startsWith("invalid hyperparameters from dataset version " + dataset + "/1:"
                        + " unknown hyperparameter 'epochs'; accepted: [");
        assertThat(unknown.hyperparameters).as("what was asked").isEqualTo(Map.of("epochs", 3));
        assertThat(unknown.attempts).isZero();
        assertThat(invalid.error).endsWith("hyperparameter 'lossType' must be one of [sigmoid, ipo, hinge], got 'kto'");
        given().get("/jobs/" + unknown.id).then().statusCode(200).body("state", equalTo("FAILED"));
        assertThat(next.state)
                .as("the consumer went on: job %s error: %s", next.id, next.error)
                .isEqualTo(JobState.SUCCEEDED);
    }

    /** A model whose version 1 (the scratch model) is announced as production, and known to the service. */
    private String announcedModel() {
        String model = TrainingFixture.newName("m");
        ArtifactRef artifact = TrainingFixture.uploadModel(store, model, 1);
        kafka.publish(TrainingFixture.promoted(model, 1, artifact));
        await().atMost(TIMEOUT)
                .until(() -> QuarkusTransaction.requiringNew()
                        .call(() -> KnownModelVersion.findById(KnownModelVersion.key(model, 1)) != null));
        return model;
    }

    private TrainingJob awaitJob(String dataset, int version, java.util.function.Predicate<TrainingJob> condition) {
        await().atMost(TIMEOUT)
                .until(() -> findJob(dataset, version).filter(condition).isPresent());
        return findJob(dataset, version).orElseThrow();
    }

    private Optional<TrainingJob> findJob(String dataset, int version) {
        return QuarkusTransaction.requiringNew().call(() -> jobs.findByDatasetVersion(dataset, version, Recipe.DPO));
    }

    private TrainingJob job(String id) {
        return QuarkusTransaction.requiringNew().call(() -> jobs.findById(id));
    }

    private static List<TrainedModelEvent> events(ConsumerTask<String, byte[]> task, String jobId) {
        return task.getRecords().stream()
                .map(record -> EventJson.fromBytes(record.value(), TrainedModelEvent.class))
                .filter(event -> jobId.equals(event.jobId()))
                .toList();
    }

    private static List<String> names(ArtifactRef artifact) {
        return artifact.files().stream()
                .map(file -> file.uri().substring(artifact.uri().length()))
                .toList();
    }

    private void assertStored(ArtifactRef artifact) throws Exception {
        for (ObjectRef file : artifact.files()) {
            String key = file.uri().substring("s3://tunestream/".length());
            try (InputStream in = store.open(key)) {
                byte[] content = in.readAllBytes();
                assertThat(Sha256.of(content)).as(file.uri()).isEqualTo(file.sha256());
                assertThat((long) content.length).as(file.uri()).isEqualTo(file.sizeBytes());
            }
        }
    }
}
