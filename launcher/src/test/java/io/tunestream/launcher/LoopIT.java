package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.EventJson;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.PromptEvent;
import io.tunestream.events.SamplingParameters;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.infra.PostgresAdmin;
import io.tunestream.launcher.StackClient.Stamped;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The continuous fine-tuning loop as deployed: the five packaged services as processes on a real broker, S3 server
 * and PostgreSQL, with a tiny scratch model. Import -> prompts -> generations -> pairs -> sealed dataset version ->
 * DPO job -> trained model -> registered as the candidate (a manual policy: a scratch model that answers nothing
 * right cannot win the automatic gate, and ties never promote) and promoted by hand -> the next round answered by the
 * new version; then a candidate under the automatic policy is registered and rejected, and a roll-back puts version 1
 * back in production and in the answers. Every hop is asserted on its events and REST views, round 1's wall time is
 * printed by hop, and at the end the loop's invariants are checked: a round is sealed as at most
 * ceil(pairs / everyNew) + 1 versions, none with an empty split, and no job trained a version whose generating model
 * had left production before the job started.
 */
class LoopIT {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    /** The model name the generation-service serves by default. */
    private static final String MODEL = "tiny-llama";

    private static final String DPO_METRIC = "eval/rewards/accuracies";
    /** What the policy compares: every held-out answer of the synthetic tasks is short enough to check exactly. */
    private static final String EXACT_MATCH = "eval/exact_match";
    /** Prompts per round; also the pairs that seal a version, so that one round makes exactly one version. */
    private static final int ROUND = 16;

    private static final Duration HOP = Duration.ofMinutes(3);
    private static final String[] LOOP_SERVICES = {
        "dataset-service", "generation-service", "training-service", "registry-service"
    };

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
        if (settings != null) {
            TestStacks.tearDown(stack, postgres, settings);
        }
    }

    @Test
    void trainedVersionsArePromotedOrRejectedByPolicyAndARollBackServesTheOldVersionAgain() throws Exception {
        Path corpus = work.resolve("corpus");
        // About 40 samples: rounds 1 and 2 prompt the first 16, the round after the roll-back (version 1 again) the
        // next 16, because a sample is prompted once per model version.
        SyntheticCorpus.write(corpus, new CorpusSpec(17, 10, 0, 1, EnumSet.allOf(TaskFamily.class)));
        Path models = work.resolve("models");
        Path base = models.resolve(MODEL);
        ScratchModel.create(
                base, corpus.resolve(SyntheticCorpus.SFT_FILE), new ScratchModelSpec(17, 300, 32, 1, 2, 1, 64, 256));
        settings = TestStacks.freeSettings("ts_loop")
                .withEnvironment(
                        "registry-service",
                        Map.of("TUNESTREAM_REGISTRY_IMPORTING_ALLOWED_DIRECTORIES", models.toString()))
                .withEnvironment(
                        "training-service",
                        Map.of(
                                "TUNESTREAM_TRAINING_DEFAULTS_MAX_STEPS", "6",
                                "TUNESTREAM_TRAINING_DEFAULTS_BATCH_SIZE", "2",
                                "TUNESTREAM_TRAINING_DEFAULTS_EVAL_EVERY", "3",
                                "TUNESTREAM_TRAINING_DEFAULTS_MAX_LENGTH", "64",
                                "TUNESTREAM_TRAINING_RUNNER_POLL_INTERVAL", "1s"))
                // A quarter of the pairs in eval.jsonl: the DPO metric the registry compares needs eval pairs.
                .withEnvironment("dataset-service", Map.of("TUNESTREAM_DATASET_SEALING_EVAL_FRACTION", "0.25"));
        StackLayout layout = new StackLayout(REPOSITORY, home);
        client = new StackClient(settings, layout);
        stack = new Stack(layout, postgres, settings);
        assertThat(stack.up(new PrintStream(new ByteArrayOutputStream()))).isTrue();

        // Hop 1: the base model imported from a directory is version 1, in production.
        HttpResponse<String> imported =
                client.post("registry-service", "/models/" + MODEL + "/import", "{\"directory\": \"" + base + "\"}");
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        assertThat(StackClient.json(imported.body()).get("version").asInt()).isEqualTo(1);
        JsonNode version1 = version(1);
        assertThat(version1.get("origin").asText()).isEqualTo("imported");
        assertThat(texts(version1.get("aliases"))).containsExactly(ModelVersionEvent.PRODUCTION);
        Stamped<ModelVersionEvent> promoted1 = awaitModelVersionEvent(1, ModelVersionAction.PROMOTED);
        assertThat(modelVersionEvents(1, ModelVersionAction.REGISTERED)).hasSize(1);
        assertThat(promoted1.event().alias()).isEqualTo(ModelVersionEvent.PRODUCTION);
        assertThat(promoted1.event().previousVersion()).isNull();
        HttpResponse<String> policy =
                client.put("registry-service", "/models/" + MODEL + "/policy", "{\"mode\": \"manual\"}");
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);

        // Hop 2: an SFT dataset and a dpo pipeline; version 1 answers round 1's prompts.
        String dataset = "loop-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(client.post("dataset-service", "/datasets", "{\"name\": \"" + dataset + "\", \"kind\": \"sft\"}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> upload = client.postFile(
                "dataset-service",
                "/datasets/" + dataset + "/uploads",
                "application/x-ndjson",
                corpus.resolve(SyntheticCorpus.SFT_FILE));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        assertThat(StackClient.json(upload.body()).get("added").asInt())
                .as("samples for three rounds")
                .isGreaterThanOrEqualTo(2 * ROUND);
        // The dataset-service must have applied the promotion before the pipeline exists: a pipeline created while
        // the promotion is being applied sees no production version, and the promotion sees no pipeline, so the
        // pipeline would wait for the next promotion (PipelineService.create vs RoundService.apply).
        client.awaitConsumed("dataset-service.model-versions", "tunestream.model-versions", HOP);
        String pipeline = dataset + "-dpo";
        // Sampled with a fixed seed, not greedy: the untrained model's greedy answer is often its end token at once
        // (an empty answer, dropped, and the count trigger would wait for a pair that never comes).
        String sampling = EventJson.mapper()
                .writeValueAsString(new SamplingParameters(1.0, null, null, 24, 1, List.of(), null, null, 7L));
        HttpResponse<String> created = client.post(
                "dataset-service",
                "/pipelines",
                "{\"name\": \"" + pipeline
                        + "\", \"dataset\": \"" + dataset + "\", \"model\": \"" + MODEL
                        + "\", \"recipe\": \"dpo\", \"sampling\": "
                        + sampling + ", \"trigger\": {\"everyNew\": " + ROUND + "}, \"roundCap\": " + ROUND + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        List<Stamped<PromptEvent>> prompts1 = awaitPrompts(pipeline, 1);
        assertThat(prompts1)
                .allSatisfy(prompt -> assertThat(prompt.event().modelVersion()).isEqualTo(1));
        List<Stamped<GenerationEvent>> generations1 = awaitGenerations(pipeline, 1);
        assertThat(generations1)
                .allSatisfy(generation ->
                        assertThat(generation.event().modelVersion()).isEqualTo(1));

        // Hop 3: every answer is a pair (or a counted drop), and the count trigger seals round 1 as version 1.
        client.awaitWithLogs(
                "an outcome for every prompt of round 1",
                HOP,
                () -> outcomeTotal(pipeline) >= ROUND,
                "dataset-service");
        Map<String, Long> outcomes1 = outcomes(pipeline);
        assertThat(outcomes1.getOrDefault("pairs", 0L))
                .as("outcomes " + outcomes1)
                .isEqualTo(ROUND);
        Stamped<DatasetVersionEvent> sealed1 = awaitDatasetVersion(dataset, 1);
        assertThat(sealed1.event().lineage().sourceModel()).isEqualTo(MODEL);
        assertThat(sealed1.event().lineage().sourceModelVersion()).isEqualTo(1);
        assertThat(sealed1.event().counts().get("train")
                        + sealed1.event().counts().get("eval"))
                .isEqualTo(ROUND);
        assertThat(sealed1.event().counts().get("eval"))
                .as("eval pairs for the DPO metric")
                .isPositive();

        // Hops 4 and 5 as they happen: the job trains version 2 and the registry makes it the candidate. The
        // automatic policy with a margin no metric can reach is set before version 2 is promoted by hand, since that
        // promotion starts round 2, whose candidate must be judged by it. The job and the version are inspected after.
        Stamped<ModelVersionEvent> candidate2 = awaitModelVersionEvent(2, ModelVersionAction.PROMOTED);
        assertThat(candidate2.event().alias()).isEqualTo(ModelVersionEvent.CANDIDATE);
        policy = client.put(
                "registry-service", "/models/" + MODEL + "/policy", "{\"mode\": \"automatic\", \"margin\": 5.0}");
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);
        HttpResponse<String> promotedByHand = client.post(
                "registry-service", "/models/" + MODEL + "/versions/2/promote", "{\"reason\": \"loop test\"}");
        assertThat(promotedByHand.statusCode()).as(promotedByHand.body()).isEqualTo(200);
        Stamped<ModelVersionEvent> promoted2 = awaitProduction(2);
        assertThat(promoted2.event().previousVersion()).isEqualTo(1);

        // Hop 4: exactly one DPO job for that dataset version; it succeeded and announced the trained model.
        JsonNode job1 = awaitSucceededJob(dataset, 1);
        assertThat(job1.get("baseModelVersion").asInt()).isEqualTo(1);
        Stamped<TrainedModelEvent> trained1 = awaitTrainedModel(job1.get("id").asText());
        assertThat(trained1.event().evalMetric()).isEqualTo(EXACT_MATCH);
        assertThat(trained1.event().candidateMetrics()).containsKeys(EXACT_MATCH, DPO_METRIC);
        assertThat(trained1.event().parentMetrics()).containsKeys(EXACT_MATCH, DPO_METRIC);
        assertThat(trained1.event().candidateMetrics().get(DPO_METRIC))
                .isGreaterThanOrEqualTo(trained1.event().parentMetrics().get(DPO_METRIC));

        // Hop 5: version 2, trained from 1 on dataset version 1, was registered and held for a manual promotion.
        Stamped<ModelVersionEvent> registered2 = awaitModelVersionEvent(2, ModelVersionAction.REGISTERED);
        JsonNode version2 = version(2);
        assertThat(version2.get("origin").asText()).isEqualTo("trained");
        assertThat(version2.get("jobId").asText()).isEqualTo(job1.get("id").asText());
        assertThat(version2.get("lineage").get("parentVersion").asInt()).isEqualTo(1);
        assertThat(version2.get("lineage").get("dataset").asText()).isEqualTo(dataset);
        assertThat(version2.get("lineage").get("datasetVersion").asInt()).isEqualTo(1);
        // The policy held it as the candidate ("manual"); the promotion by hand is its decision now.
        assertThat(candidate2.event().reason())
                .as(candidate2.event().toString())
                .contains("manual");
        assertThat(version2.get("decision").asText()).as(version2.toString()).isEqualTo("promoted");
        assertThat(version2.get("decisionReason").asText()).isEqualTo("loop test");
        assertThat(trained1.event().steps()).isEqualTo(6);
        assertThat(trained1.event().chosenStep()).isBetween(0L, 6L);
        assertThat(version2.get("metrics").get(EXACT_MATCH).asDouble())
                .isEqualTo(trained1.event().candidateMetrics().get(EXACT_MATCH));
        assertThat(texts(version2.get("aliases"))).as(version2.toString()).contains(ModelVersionEvent.PRODUCTION);

        // Hop 6: the promotion starts round 2, answered by version 2.
        List<Stamped<PromptEvent>> prompts2 = awaitPrompts(pipeline, 2);
        assertThat(prompts2)
                .allSatisfy(prompt -> assertThat(prompt.event().modelVersion()).isEqualTo(2));
        List<Stamped<GenerationEvent>> generations2 = awaitGenerations(pipeline, 2);
        assertThat(generations2)
                .allSatisfy(generation ->
                        assertThat(generation.event().modelVersion()).isEqualTo(2));
        printRoundOne(promoted1, prompts1, generations1, sealed1, job1, trained1, registered2, promoted2, generations2);

        // Hop 7: round 2's candidate, version 3, is registered but rejected; production stays 2.
        Stamped<DatasetVersionEvent> sealed2 = awaitDatasetVersion(dataset, 2);
        assertThat(sealed2.event().lineage().sourceModelVersion()).isEqualTo(2);
        JsonNode job2 = awaitSucceededJob(dataset, 2);
        assertThat(job2.get("baseModelVersion").asInt()).isEqualTo(2);
        awaitTrainedModel(job2.get("id").asText());
        awaitModelVersionEvent(3, ModelVersionAction.REGISTERED);
        Stamped<ModelVersionEvent> rejected3 = awaitModelVersionEvent(3, ModelVersionAction.REJECTED);
        JsonNode version3 = version(3);
        assertThat(version3.get("decision").asText()).isEqualTo("rejected");
        // No evaluation set in the policy: the rule falls back to the job's metric, and says so.
        assertThat(version3.get("decisionReason").asText())
                .as(version3.toString())
                .startsWith("no evaluation set in the policy: fell back to " + EXACT_MATCH)
                .isEqualTo(rejected3.event().reason());
        assertThat(version3.get("lineage").get("parentVersion").asInt()).isEqualTo(2);
        assertThat(texts(version3.get("aliases"))).isEmpty();
        assertThat(modelVersionEvents(3, ModelVersionAction.PROMOTED)).isEmpty();
        assertThat(production()).isEqualTo(2);

        // Hop 8: a roll-back puts version 1 back in production, and the round it starts is answered by version 1.
        HttpResponse<String> rolledBack = client.post(
                "registry-service", "/models/" + MODEL + "/rollback", "{\"version\": 1, \"reason\": \"loop test\"}");
        assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
        assertThat(StackClient.json(rolledBack.body()).get("version").asInt()).isEqualTo(1);
        Stamped<ModelVersionEvent> rollBack = awaitModelVersionEvent(1, ModelVersionAction.ROLLED_BACK);
        assertThat(rollBack.event().alias()).isEqualTo(ModelVersionEvent.PRODUCTION);
        assertThat(rollBack.event().previousVersion()).isEqualTo(2);
        assertThat(production()).isEqualTo(1);
        List<Stamped<PromptEvent>> prompts3 = awaitPrompts(pipeline, 3);
        assertThat(prompts3)
                .allSatisfy(prompt -> assertThat(prompt.event().modelVersion()).isEqualTo(1));
        assertThat(prompts3)
                .extracting(prompt -> prompt.event().sampleId())
                .doesNotContainAnyElementsOf(prompts1.stream()
                        .map(prompt -> prompt.event().sampleId())
                        .toList());
        List<Stamped<GenerationEvent>> generations3 = awaitGenerations(pipeline, 3);
        assertThat(generations3)
                .allSatisfy(generation ->
                        assertThat(generation.event().modelVersion()).isEqualTo(1));

        assertRoundSizedVersions(dataset);
        assertNoJobTrainedSupersededWork(dataset);
    }

    /** Every round is sealed as at most ceil(pairs / everyNew) + 1 versions, and no version has an empty split. */
    private void assertRoundSizedVersions(String dataset) {
        Map<Integer, List<DatasetVersionEvent>> byRound = new java.util.TreeMap<>();
        client.events("tunestream.dataset-versions", DatasetVersionEvent.class).stream()
                .map(Stamped::event)
                .filter(event -> event.dataset().equals(dataset))
                .forEach(event -> byRound.computeIfAbsent(
                                event.lineage().sourceModelVersion(), round -> new ArrayList<>())
                        .add(event));
        assertThat(byRound).as("dataset versions by generating model version").isNotEmpty();
        byRound.forEach((round, versions) -> {
            long pairs = versions.stream()
                    .mapToLong(v -> v.counts().get("train") + v.counts().get("eval"))
                    .sum();
            assertThat((long) versions.size())
                    .as("versions of the round of model version " + round + ": " + versions)
                    .isLessThanOrEqualTo((pairs + ROUND - 1) / ROUND + 1);
            assertThat(versions).allSatisfy(version -> {
                assertThat(version.counts().get("train"))
                        .as("train split of " + version.datasetVersionId())
                        .isPositive();
                assertThat(version.counts().get("eval"))
                        .as("eval split of " + version.datasetVersionId())
                        .isPositive();
            });
        });
    }

    /**
     * A job that trained (started, then succeeded or is running) did so while the model version that generated its
     * data still held production: its start precedes the first production change after that version's promotion.
     */
    private void assertNoJobTrainedSupersededWork(String dataset) {
        List<Stamped<ModelVersionEvent>> productionChanges =
                client.events("tunestream.model-versions", ModelVersionEvent.class).stream()
                        .filter(event -> event.event().model().equals(MODEL)
                                && event.event().changesProduction())
                        .toList();
        List<Stamped<DatasetVersionEvent>> versions =
                client.events("tunestream.dataset-versions", DatasetVersionEvent.class).stream()
                        .filter(event -> event.event().dataset().equals(dataset))
                        .toList();
        for (JsonNode job : client.getJson("training-service", "/jobs")) {
            if (!job.get("dataset").asText().equals(dataset)
                    || job.path("startedAt").isNull()
                    || job.path("startedAt").isMissingNode()
                    || !List.of("SUCCEEDED", "RUNNING")
                            .contains(job.get("state").asText())) {
                continue;
            }
            Stamped<DatasetVersionEvent> version = versions.stream()
                    .filter(v ->
                            v.event().version() == job.get("datasetVersion").asInt())
                    .findFirst()
                    .orElseThrow();
            int source = version.event().lineage().sourceModelVersion();
            long started = Instant.parse(job.get("startedAt").asText()).toEpochMilli();
            // The source held production from the last change to it before its data was sealed, until the next change.
            long since = productionChanges.stream()
                    .filter(change -> change.event().version() == source && change.timestamp() <= version.timestamp())
                    .mapToLong(Stamped::timestamp)
                    .max()
                    .orElseThrow();
            productionChanges.stream()
                    .filter(change ->
                            change.timestamp() > since && change.event().version() != source)
                    .mapToLong(Stamped::timestamp)
                    .min()
                    .ifPresent(replaced -> assertThat(started)
                            .as("job " + job.get("id").asText() + " on "
                                    + version.event().datasetVersionId()
                                    + " (generated by version " + source + ") started after that version left"
                                    + " production: " + job)
                            .isLessThan(replaced));
        }
    }

    private Stamped<ModelVersionEvent> awaitProduction(int version) {
        client.awaitWithLogs(
                "version " + version + " in production",
                HOP,
                () -> client.events("tunestream.model-versions", ModelVersionEvent.class).stream()
                        .anyMatch(event -> event.event().version() == version
                                && event.event().action() == ModelVersionAction.PROMOTED
                                && ModelVersionEvent.PRODUCTION.equals(
                                        event.event().alias())),
                "registry-service");
        return client.events("tunestream.model-versions", ModelVersionEvent.class).stream()
                .filter(event -> event.event().version() == version
                        && event.event().action() == ModelVersionAction.PROMOTED
                        && ModelVersionEvent.PRODUCTION.equals(event.event().alias()))
                .findFirst()
                .orElseThrow();
    }

    /** Round 1's wall time by hop, from record timestamps and the job's REST view. */
    private static void printRoundOne(
            Stamped<ModelVersionEvent> promoted1,
            List<Stamped<PromptEvent>> prompts,
            List<Stamped<GenerationEvent>> generations,
            Stamped<DatasetVersionEvent> sealed,
            JsonNode job,
            Stamped<TrainedModelEvent> trained,
            Stamped<ModelVersionEvent> registered,
            Stamped<ModelVersionEvent> promoted,
            List<Stamped<GenerationEvent>> nextGenerations) {
        long imported = promoted1.timestamp();
        long firstPrompt = prompts.stream().mapToLong(Stamped::timestamp).min().orElseThrow();
        long lastGeneration =
                generations.stream().mapToLong(Stamped::timestamp).max().orElseThrow();
        long jobCreated = Instant.parse(job.get("createdAt").asText()).toEpochMilli();
        long jobStarted = Instant.parse(job.get("startedAt").asText()).toEpochMilli();
        long jobFinished = Instant.parse(job.get("finishedAt").asText()).toEpochMilli();
        long firstNext =
                nextGenerations.stream().mapToLong(Stamped::timestamp).min().orElseThrow();
        List<String> lines = new ArrayList<>();
        lines.add(hop("import (v1 promoted) -> first prompt (incl. the test's dataset upload)", imported, firstPrompt));
        lines.add(hop("first prompt -> last generation of the round", firstPrompt, lastGeneration));
        lines.add(hop("last generation -> dataset version sealed", lastGeneration, sealed.timestamp()));
        lines.add(hop("sealed -> job queued", sealed.timestamp(), jobCreated));
        lines.add(hop("job queued -> job claimed", jobCreated, jobStarted));
        lines.add(hop("training (claimed -> trained-models event)", jobStarted, trained.timestamp()));
        lines.add(hop("trained-models event -> job SUCCEEDED", trained.timestamp(), jobFinished));
        lines.add(hop("trained-models event -> v2 registered", trained.timestamp(), registered.timestamp()));
        lines.add(hop(
                "v2 registered -> v2 promoted (by hand, after the policy change)",
                registered.timestamp(),
                promoted.timestamp()));
        lines.add(hop("v2 promoted -> first generation by v2", promoted.timestamp(), firstNext));
        lines.forEach(System.out::println);
        System.out.printf(
                Locale.ROOT,
                "LOOP total import -> first generation by the trained version: %.1f s%n",
                (firstNext - imported) / 1e3);
    }

    private static String hop(String what, long from, long to) {
        return String.format(Locale.ROOT, "LOOP hop %-72s %7.1f s", what, (to - from) / 1e3);
    }

    private List<Stamped<PromptEvent>> awaitPrompts(String pipeline, int round) {
        Predicate<PromptEvent> ofRound = prompt -> prompt.pipeline().equals(pipeline) && prompt.round() == round;
        client.awaitWithLogs(
                ROUND + " prompts of round " + round,
                HOP,
                () -> client.events("tunestream.prompts", PromptEvent.class).stream()
                                .filter(prompt -> ofRound.test(prompt.event()))
                                .count()
                        >= ROUND,
                "dataset-service",
                "registry-service");
        List<Stamped<PromptEvent>> prompts = client.events("tunestream.prompts", PromptEvent.class).stream()
                .filter(prompt -> ofRound.test(prompt.event()))
                .toList();
        assertThat(prompts).as("the round cap").hasSize(ROUND);
        return prompts;
    }

    private List<Stamped<GenerationEvent>> awaitGenerations(String pipeline, int round) {
        Predicate<GenerationEvent> ofRound =
                generation -> generation.pipeline().equals(pipeline) && generation.round() == round;
        client.awaitWithLogs(
                ROUND + " generations of round " + round,
                HOP,
                () -> client.events("tunestream.generations", GenerationEvent.class).stream()
                                .filter(generation -> ofRound.test(generation.event()))
                                .map(g -> g.event().promptHash())
                                .distinct()
                                .count()
                        >= ROUND,
                "generation-service",
                "dataset-service");
        return client.events("tunestream.generations", GenerationEvent.class).stream()
                .filter(generation -> ofRound.test(generation.event()))
                .toList();
    }

    private Stamped<DatasetVersionEvent> awaitDatasetVersion(String dataset, int version) {
        client.awaitWithLogs(
                "dataset version " + version + " of " + dataset,
                HOP,
                () -> datasetVersions(dataset, version).size() == 1,
                "dataset-service");
        return datasetVersions(dataset, version).get(0);
    }

    private List<Stamped<DatasetVersionEvent>> datasetVersions(String dataset, int version) {
        return client.events("tunestream.dataset-versions", DatasetVersionEvent.class).stream()
                .filter(event ->
                        event.event().dataset().equals(dataset) && event.event().version() == version)
                .toList();
    }

    /** Waits until the one job of the dataset version succeeded; fails at once if it failed. */
    private JsonNode awaitSucceededJob(String dataset, int datasetVersion) {
        client.awaitWithLogs(
                "the job of dataset version " + datasetVersion + " to succeed",
                HOP,
                () -> {
                    List<JsonNode> jobs = jobs(dataset, datasetVersion);
                    assertThat(jobs.size())
                            .as("jobs of dataset version " + datasetVersion)
                            .isLessThanOrEqualTo(1);
                    if (!jobs.isEmpty()) {
                        assertThat(jobs.get(0).get("state").asText())
                                .as(jobs.get(0).toString() + client.logTails("training-service"))
                                .isNotIn("FAILED", "CANCELLED");
                    }
                    return !jobs.isEmpty() && jobs.get(0).get("state").asText().equals("SUCCEEDED");
                },
                "training-service",
                "dataset-service");
        List<JsonNode> jobs = jobs(dataset, datasetVersion);
        assertThat(jobs).as("exactly one job per dataset version").hasSize(1);
        assertThat(jobs.get(0).get("recipe").asText()).isEqualToIgnoringCase("dpo");
        assertThat(jobs.get(0).get("model").asText()).isEqualTo(MODEL);
        return jobs.get(0);
    }

    private List<JsonNode> jobs(String dataset, int datasetVersion) {
        return StreamSupport.stream(client.getJson("training-service", "/jobs").spliterator(), false)
                .filter(job -> job.get("dataset").asText().equals(dataset)
                        && job.get("datasetVersion").asInt() == datasetVersion)
                .toList();
    }

    private Stamped<TrainedModelEvent> awaitTrainedModel(String jobId) {
        client.awaitWithLogs(
                "the trained-models event of " + jobId,
                HOP,
                () -> trainedModels(jobId).size() == 1,
                "training-service");
        return trainedModels(jobId).get(0);
    }

    private List<Stamped<TrainedModelEvent>> trainedModels(String jobId) {
        return client.events("tunestream.trained-models", TrainedModelEvent.class).stream()
                .filter(event -> event.event().jobId().equals(jobId))
                .toList();
    }

    private Stamped<ModelVersionEvent> awaitModelVersionEvent(int version, ModelVersionAction action) {
        client.awaitWithLogs(
                action + " event of version " + version,
                HOP,
                () -> !modelVersionEvents(version, action).isEmpty(),
                "registry-service",
                "training-service");
        return modelVersionEvents(version, action).get(0);
    }

    private List<Stamped<ModelVersionEvent>> modelVersionEvents(int version, ModelVersionAction action) {
        return client.events("tunestream.model-versions", ModelVersionEvent.class).stream()
                .filter(event -> event.event().model().equals(MODEL)
                        && event.event().version() == version
                        && event.event().action() == action)
                .toList();
    }

    private JsonNode version(int version) {
        return client.getJson("registry-service", "/models/" + MODEL + "/versions/" + version);
    }

    private int production() {
        return client.getJson("registry-service", "/models/" + MODEL + "/aliases/" + ModelVersionEvent.PRODUCTION)
                .get("version")
                .asInt();
    }

    private long outcomeTotal(String pipeline) {
        return outcomes(pipeline).values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<String, Long> outcomes(String pipeline) {
        Map<String, Long> outcomes = new java.util.LinkedHashMap<>();
        client.getJson("dataset-service", "/pipelines/" + pipeline)
                .get("outcomes")
                .fields()
                .forEachRemaining(
                        entry -> outcomes.put(entry.getKey(), entry.getValue().asLong()));
        return outcomes;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        if (array != null) {
            array.forEach(node -> texts.add(node.asText()));
        }
        return texts;
    }
}
