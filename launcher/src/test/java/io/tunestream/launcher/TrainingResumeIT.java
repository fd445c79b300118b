package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.EventJson;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.infra.PostgresAdmin;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training-service killed mid-job (SIGKILL of the packaged service's process) resumes the job from its last
 * checkpoint in object storage once it is started again and the dead run's lease has expired: the job finishes once,
 * every step is recorded once, one trained-models event is published and the registry registers one version.
 */
class TrainingResumeIT {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final String[] SERVICES = {"training-service", "registry-service", "dataset-service"};
    private static final String MODEL = "resume-llama";
    private static final int MAX_STEPS = 400;
    private static final int CHECKPOINT_EVERY = 10;

    @TempDir
    Path home;

    @TempDir
    Path work;

    private final PostgresAdmin postgres = PostgresAdmin.local();
    private StackSettings settings;
    private Stack stack;
    private StackClient client;

    @AfterEach
    void stopAndDropDatabases() {
        TestStacks.tearDown(stack, postgres, settings);
    }

    @Test
    void aKilledTrainingServiceResumesItsJobFromTheLastCheckpointAndFinishesItOnce() throws Exception {
        Path corpus = work.resolve("corpus");
        SyntheticCorpus.write(corpus, new CorpusSpec(21, 20, 0, 1, EnumSet.allOf(TaskFamily.class)));
        Path modelDirectory = work.resolve("models/" + MODEL);
        ScratchModel.create(
                modelDirectory,
                corpus.resolve(SyntheticCorpus.SFT_FILE),
                new ScratchModelSpec(21, 300, 32, 1, 2, 1, 64, 256));
        settings = TestStacks.freeSettings("ts_resume")
                .withEnvironment(
                        "training-service",
                        Map.of(
                                // A dead runner's lease runs out soon after the kill.
                                "TUNESTREAM_TRAINING_RUNNER_LEASE", "5s",
                                "TUNESTREAM_TRAINING_RUNNER_HEARTBEAT", "1s",
                                "TUNESTREAM_TRAINING_RUNNER_CHECKPOINT_EVERY", String.valueOf(CHECKPOINT_EVERY),
                                "TUNESTREAM_TRAINING_DEFAULTS_MAX_STEPS", String.valueOf(MAX_STEPS),
                                "TUNESTREAM_TRAINING_DEFAULTS_BATCH_SIZE", "2",
                                "TUNESTREAM_TRAINING_DEFAULTS_EVAL_EVERY", "100",
                                "TUNESTREAM_TRAINING_DEFAULTS_MAX_LENGTH", "64"))
                .withEnvironment(
                        "registry-service",
                        Map.of(
                                "TUNESTREAM_REGISTRY_IMPORTING_ALLOWED_DIRECTORIES",
                                work.resolve("models").toString()));
        stack = new Stack(new StackLayout(REPOSITORY, home), postgres, settings);
        client = new StackClient(settings, new StackLayout(REPOSITORY, home));
        assertThat(stack.up(quiet())).isTrue();

        // The base model through the registry (version 1, production), an SFT dataset, one sealed version.
        HttpResponse<String> imported = client.post(
                "registry-service", "/models/" + MODEL + "/import", "{\"directory\": \"" + modelDirectory + "\"}");
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        String dataset = "resume-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(client.post("dataset-service", "/datasets", "{\"name\": \"" + dataset + "\", \"kind\": \"sft\"}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> upload = client.postFile(
                "dataset-service",
                "/datasets/" + dataset + "/uploads",
                "application/x-ndjson",
                corpus.resolve(SyntheticCorpus.SFT_FILE));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        String pipeline = dataset + "-sft";
        assertThat(client.post(
                                "dataset-service",
                                "/pipelines",
                                "{\"name\": \"" + pipeline + "\", \"dataset\": \"" + dataset + "\", \"model\": \""
                                        + MODEL + "\", \"recipe\": \"sft\"}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> sealed = client.post("dataset-service", "/pipelines/" + pipeline + "/seal", "");
        assertThat(sealed.statusCode()).as(sealed.body()).isEqualTo(201);

        // The dataset-version event becomes one job; kill the service once a checkpoint is recorded.
        client.awaitWithLogs(
                "a job for " + dataset + " with a checkpoint",
                Duration.ofMinutes(3),
                () -> {
                    JsonNode job = job(dataset);
                    return job != null && job.get("checkpointStep").asLong() >= CHECKPOINT_EVERY;
                },
                SERVICES);
        JsonNode beforeKill = job(dataset);
        String id = beforeKill.get("id").asText();
        assertThat(beforeKill.get("state").asText())
                .as("still training when killed")
                .isEqualTo("RUNNING");
        assertThat(beforeKill.get("attempts").asInt()).isEqualTo(1);
        Component training = stack.component("training-service").orElseThrow();
        ProcessHandle killed = stack.running(training).orElseThrow();
        killed.destroyForcibly();
        killed.onExit().get();
        long checkpointAtKill = beforeKill.get("checkpointStep").asLong();

        assertThat(stack.up(quiet())).as("up restarts the killed service").isTrue();
        client.awaitWithLogs(
                "job " + id + " finished",
                Duration.ofMinutes(4),
                () -> client.getJson("training-service", "/jobs/" + id)
                        .get("state")
                        .asText()
                        .matches("SUCCEEDED|FAILED|CANCELLED"),
                SERVICES);

        JsonNode job = client.getJson("training-service", "/jobs/" + id);
        System.out.printf(
                java.util.Locale.ROOT,
                "RESUME killed with checkpoint step %d recorded; resumed from step %d"
                        + " of %d; state %s after %d attempts%n",
                checkpointAtKill,
                job.get("resumedFromStep").asLong(),
                MAX_STEPS,
                job.get("state").asText(),
                job.get("attempts").asInt());
        assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("attempts").asInt())
                .as("claimed again once, after the lease expired")
                .isEqualTo(2);
        assertThat(job.get("resumedFromStep").asLong())
                .as("resumed from a checkpoint no older than the one seen at the kill")
                .isGreaterThanOrEqualTo(checkpointAtKill)
                .isLessThan(MAX_STEPS);
        assertThat(job.get("resumedFromStep").asLong() % CHECKPOINT_EVERY).isZero();
        assertThat(job.get("step").asLong()).isEqualTo(MAX_STEPS);
        List<Long> steps = new ArrayList<>();
        client.getJson("training-service", "/jobs/" + id + "/metrics")
                .forEach(metric -> steps.add(metric.get("step").asLong()));
        assertThat(steps)
                .as("every step recorded once")
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, MAX_STEPS).boxed().toList());
        assertThat(jobs().size()).as("one job for the one dataset version").isEqualTo(1);

        List<TrainedModelEvent> trained = client.readAll("tunestream.trained-models").stream()
                .map(record -> EventJson.fromBytes(record.value(), TrainedModelEvent.class))
                .filter(event -> event.jobId().equals(id))
                .toList();
        assertThat(trained).as("the job is announced once").hasSize(1);
        client.awaitWithLogs(
                "the registry registered the job",
                Duration.ofMinutes(2),
                () -> registeredVersions().size() == 2,
                SERVICES);
        assertThat(registeredVersions())
                .as("version 1 imported, version 2 from the job")
                .extracting(version -> version.path("jobId").asText(null))
                .containsExactlyInAnyOrder(null, id);
    }

    private JsonNode job(String dataset) {
        for (JsonNode job : jobs()) {
            if (job.get("dataset").asText().equals(dataset)) {
                return job;
            }
        }
        return null;
    }

    private List<JsonNode> jobs() {
        List<JsonNode> jobs = new ArrayList<>();
        client.getJson("training-service", "/jobs").forEach(jobs::add);
        return jobs;
    }

    private List<JsonNode> registeredVersions() {
        List<JsonNode> versions = new ArrayList<>();
        HttpResponse<String> response = client.get("registry-service", "/models/" + MODEL + "/versions");
        if (response.statusCode() == 200) {
            StackClient.json(response.body()).forEach(versions::add);
        }
        return versions;
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
