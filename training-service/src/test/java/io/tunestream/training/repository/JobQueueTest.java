package io.tunestream.training.repository;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.Recipe;
import io.tunestream.llm.training.StepMetrics;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import io.tunestream.training.JobState;
import io.tunestream.training.RunnerOffProfile;
import io.tunestream.training.TrainingFixture;
import io.tunestream.training.TrainingJob;
import io.tunestream.training.service.JobService;
import io.tunestream.training.service.ModelVersionCatalog;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(RunnerOffProfile.class)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class JobQueueTest {

    private static final Duration LEASE = Duration.ofMinutes(1);

    @Inject
    TrainingJobRepository jobs;

    @Inject
    JobService service;

    @Inject
    ModelVersionCatalog catalog;

    @Inject
    ObjectStore store;

    /** Jobs other test classes left unfinished in the shared database would be claimable here too. */
    @BeforeEach
    void retireUnfinishedJobs() {
        QuarkusTransaction.requiringNew()
                .run(() -> jobs.update(
                        "state = ?1 where state in ?2", JobState.CANCELLED, Set.of(JobState.QUEUED, JobState.RUNNING)));
    }

    @Test
    void shouldNeverGiveOneJobToTwoConcurrentClaimers() throws Exception {
        String first = queueJob();
        String second = queueJob();
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Callable<Optional<TrainingJob>> claimA = () -> {
                start.await();
                return jobs.claim("runner-a", LEASE);
            };
            Callable<Optional<TrainingJob>> claimB = () -> {
                start.await();
                return jobs.claim("runner-b", LEASE);
            };
            Future<Optional<TrainingJob>> a = threads.submit(claimA);
            Future<Optional<TrainingJob>> b = threads.submit(claimB);
            TrainingJob claimedByA = a.get().orElseThrow();
            TrainingJob claimedByB = b.get().orElseThrow();

            assertThat(Set.of(claimedByA.id, claimedByB.id)).containsExactlyInAnyOrder(first, second);
            assertThat(claimedByA.leaseOwner).isEqualTo("runner-a");
            assertThat(claimedByB.leaseOwner).isEqualTo("runner-b");
            assertThat(jobs.claim("runner-c", LEASE)).as("both jobs are leased").isEmpty();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void shouldReclaimAJobWhoseLeaseExpired() {
        String id = queueJob();
        TrainingJob first = jobs.claim("runner-dead", Duration.ofSeconds(-1)).orElseThrow();
        assertThat(first.id).isEqualTo(id);

        TrainingJob again = jobs.claim("runner-alive", LEASE).orElseThrow();

        assertThat(again.id).isEqualTo(id);
        assertThat(again.leaseOwner).isEqualTo("runner-alive");
        assertThat(again.attempts).isEqualTo(2);
        assertThat(jobs.heartbeat(id, "runner-dead", LEASE))
                .as("the dead runner's lease is gone")
                .isFalse();
        assertThat(jobs.heartbeat(id, "runner-alive", LEASE)).isTrue();
        assertThat(jobs.claim("runner-other", LEASE))
                .as("a live lease is not re-claimed")
                .isEmpty();
    }

    @Test
    void shouldReclaimAnExpiredJobAtItsLastRecordedCheckpoint() {
        String id = queueJob();
        jobs.claim("runner-dead", Duration.ofSeconds(-1)).orElseThrow();
        for (long step = 1; step <= 3; step++) {
            assertThat(jobs.recordStep(id, "runner-dead", step(step))).isTrue();
        }
        Map<String, Object> checkpoint =
                Map.of("uri", "s3://tunestream/checkpoints/" + id + "/step-2/", "files", java.util.List.of());
        assertThat(jobs.recordCheckpoint(id, "runner-dead", 2, checkpoint)).isTrue();
        assertThat(jobs.recordCheckpoint(id, "runner-dead", 1, Map.of()))
                .as("a checkpoint never moves back")
                .isTrue();

        TrainingJob again = jobs.claim("runner-alive", LEASE).orElseThrow();

        assertThat(again.id).isEqualTo(id);
        assertThat(again.checkpointStep).isEqualTo(2);
        assertThat(again.checkpoint).isEqualTo(checkpoint);
        assertThat(again.resumedFromStep).isEqualTo(2);
        assertThat(again.step).isEqualTo(2);
        given().get("/jobs/" + id + "/metrics").then().statusCode(200).body("step", equalTo(java.util.List.of(1, 2)));
        assertThat(jobs.recordCheckpoint(id, "runner-dead", 4, Map.of()))
                .as("the dead runner records nothing once its lease is taken")
                .isFalse();
        given().get("/jobs/" + id)
                .then()
                .statusCode(200)
                .body("checkpointStep", equalTo(2))
                .body("resumedFromStep", equalTo(2));
    }

    @Test
    void shouldSubmitOnceAndCancelAQueuedJob() {
        String dataset = TrainingFixture.newName("d");
        TrainingFixture.dpoVersion(store, dataset, 1, "m-any", 1);
        Map<String, Object> body =
                Map.of("dataset", dataset, "version", 1, "recipe", "dpo", "hyperparameters", Map.of("maxSteps", 3));
        String id = given().contentType(ContentType.JSON)
                .body(body)
                .post("/jobs")
                .then()
                .statusCode(201)
                .body("state", equalTo("QUEUED"))
                .body("model", equalTo("m-any"))
                .body("baseModelVersion", equalTo(1))
                .body("hyperparameters.maxSteps", equalTo(3))
                .extract()
                .path("id");
        given().contentType(ContentType.JSON)
                .body(body)
                .post("/jobs")
                .then()
                .statusCode(200)
                .body("id", equalTo(id));

        given().post("/jobs/" + id + "/cancel").then().statusCode(200).body("state", equalTo("CANCELLED"));

        given().get("/jobs/" + id).then().statusCode(200).body("state", equalTo("CANCELLED"));
        assertThat(jobs.claim("runner-a", LEASE))
                .as("a cancelled job is never claimed")
                .isEmpty();
    }

    @Test
    void shouldStopARunningJobAtItsNextStepWhenCancelled() {
        String id = queueJob();
        TrainingJob running = jobs.claim("runner-a", LEASE).orElseThrow();
        assertThat(running.id).isEqualTo(id);
        assertThat(jobs.recordStep(id, "runner-a", step(1))).isTrue();

        given().post("/jobs/" + id + "/cancel").then().statusCode(200).body("state", equalTo("CANCELLED"));

        assertThat(jobs.recordStep(id, "runner-a", step(2)))
                .as("the runner's next step sees the cancel")
                .isFalse();
        assertThat(jobs.heartbeat(id, "runner-a", LEASE)).isFalse();
        given().get("/jobs/" + id + "/metrics").then().statusCode(200).body("step", equalTo(java.util.List.of(1)));
        given().post("/jobs/" + id + "/cancel").then().statusCode(200).body("state", equalTo("CANCELLED"));
        String stream = given().accept("text/event-stream")
                .get("/jobs/" + id + "/progress")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(stream)
                .as("one event, then the stream ends")
                .startsWith("data:")
                .containsOnlyOnce("data:")
                .contains("\"state\":\"CANCELLED\"")
                .contains("\"step\":1");
    }

    @Test
    void shouldSupersedeAQueuedJobWhoseGeneratingVersionIsNoLongerProductionAndClaimTheNext() {
        String model = TrainingFixture.newName("m");
        catalog.record(TrainingFixture.promoted(model, 1, placeholder(model, 1)));
        catalog.record(TrainingFixture.promoted(model, 2, placeholder(model, 2)));
        String stale = queueJob(model, 1, Map.of());
        String fresh = queueJob(model, 2, Map.of());

        TrainingJob claimed = jobs.claim("runner-a", LEASE).orElseThrow();

        assertThat(claimed.id).as("the stale job is skipped, not trained").isEqualTo(fresh);
        TrainingJob superseded = QuarkusTransaction.requiringNew().call(() -> jobs.findById(stale));
        assertThat(superseded.state).isEqualTo(JobState.SUPERSEDED);
        assertThat(superseded.reason)
                .contains(
                        "was generated by " + model + " version 1, which is no longer production" + " (version 2 is)");
        assertThat(superseded.leaseOwner).isNull();
        assertThat(superseded.attempts).isZero();
        assertThat(superseded.finishedAt).isNotNull();
        given().get("/jobs/" + stale)
                .then()
                .statusCode(200)
                .body("state", equalTo("SUPERSEDED"))
                .body("reason", equalTo(superseded.reason));
        given().post("/jobs/" + stale + "/cancel").then().statusCode(409);
    }

    @Test
    void shouldClaimAJobOfAReplacedVersionThatAsksToBeTrainedAnyway() {
        String model = TrainingFixture.newName("m");
        catalog.record(TrainingFixture.promoted(model, 1, placeholder(model, 1)));
        catalog.record(TrainingFixture.promoted(model, 2, placeholder(model, 2)));
        String forced = queueJob(model, 1, Map.of("trainSuperseded", true));

        assertThat(jobs.claim("runner-a", LEASE)).map(job -> job.id).contains(forced);
    }

    @Test
    void shouldCoalesceTheQueuedJobsOfOnePipelineAndRoundIntoTheOldest() {
        String dataset = TrainingFixture.newName("d");
        String first = queueVersion(dataset, 1, Map.of());
        String second = queueVersion(dataset, 2, Map.of());
        String otherDataset = queueJob();
        String third = queueVersion(dataset, 3, Map.of());
        String otherRecipe = queueVersion(dataset, 4, Map.of("maxSteps", 3));

        TrainingJob taker = jobs.claim("runner-a", LEASE).orElseThrow();

        assertThat(taker.id).isEqualTo(first);
        assertThat(taker.coalescedVersions).hasSize(2);
        assertThat(taker.coalescedVersions.get(0))
                .containsEntry("jobId", second)
                .containsEntry("dataset", dataset)
                .containsEntry("version", 2)
                .containsKeys("train", "eval");
        assertThat(taker.coalescedVersions.get(1)).containsEntry("jobId", third).containsEntry("version", 3);
        for (String id : java.util.List.of(second, third)) {
            TrainingJob taken = QuarkusTransaction.requiringNew().call(() -> jobs.findById(id));
            assertThat(taken.state).isEqualTo(JobState.COALESCED);
            assertThat(taken.coalescedInto).isEqualTo(first);
            assertThat(taken.reason)
                    .isEqualTo("coalesced into job " + first + ", which trains dataset versions "
                            + dataset + "/1, " + dataset + "/2, " + dataset
                            + "/3 together (pipeline rounds, round of m-any"
                            + " version 1)");
        }
        given().get("/jobs/" + first)
                .then()
                .statusCode(200)
                .body("coalescedVersions.jobId", equalTo(java.util.List.of(second, third)));
        assertThat(jobs.claim("runner-b", LEASE))
                .as("another dataset is another pipeline's round")
                .map(job -> job.id)
                .contains(otherDataset);
        assertThat(jobs.claim("runner-c", LEASE))
                .as("another recipe is not coalesced")
                .map(job -> job.id)
                .contains(otherRecipe);
        assertThat(jobs.claim("runner-d", LEASE)).isEmpty();
    }

    @Test
    void shouldRejectASubmissionOfAMissingDatasetVersion() {
        given().contentType(ContentType.JSON)
                .body(Map.of("dataset", "nowhere", "version", 9, "recipe", "sft"))
                .post("/jobs")
                .then()
                .statusCode(400)
                .body(
                        "detail",
                        equalTo("no dataset version at s3://tunestream/datasets/nowhere/versions/9/manifest.json"));
        given().get("/jobs/job-unknown").then().statusCode(404);
    }

    private String queueJob() {
        String dataset = TrainingFixture.newName("d");
        TrainingFixture.dpoVersion(store, dataset, 1, "m-any", 1);
        return service.submit(new JobService.Submission(dataset, 1, Recipe.DPO, null, null, Map.of()))
                .job()
                .id;
    }

    /** A DPO job over a new dataset version that {@code model} version {@code modelVersion} generated. */
    private String queueJob(String model, int modelVersion, Map<String, Object> hyperparameters) {
        String dataset = TrainingFixture.newName("d");
        TrainingFixture.dpoVersion(store, dataset, 1, model, modelVersion);
        return service.submit(new JobService.Submission(dataset, 1, Recipe.DPO, null, null, hyperparameters))
                .job()
                .id;
    }

    /** A DPO job over version {@code version} of {@code dataset}, generated in the round of m-any version 1. */
    private String queueVersion(String dataset, int version, Map<String, Object> hyperparameters) {
        TrainingFixture.dpoVersion(store, dataset, version, "m-any", 1);
        return service.submit(new JobService.Submission(dataset, version, Recipe.DPO, null, null, hyperparameters))
                .job()
                .id;
    }

    /** A model version's files as announced; never downloaded here (no job trains in this class). */
    private static ArtifactRef placeholder(String model, int version) {
        return new ArtifactRef("s3://tunestream/models/" + model + "/" + version + "/", java.util.List.of());
    }

    private static StepMetrics step(long step) {
        return new StepMetrics(step, 10, 0.5, 1e-4, 1.0, 100, 1, Map.of("rewards/accuracies", 0.5));
    }
}
