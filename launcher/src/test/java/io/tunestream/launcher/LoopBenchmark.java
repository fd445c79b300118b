package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.EventJson;
import io.tunestream.events.GateEvaluation;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.infra.PostgresAdmin;
import io.tunestream.launcher.StackClient.Stamped;
import io.tunestream.launcher.demo.Bootstrap;
import io.tunestream.launcher.demo.TaskSets;
import io.tunestream.llm.evaluation.EvalItem;
import io.tunestream.llm.evaluation.EvalItems;
import io.tunestream.llm.evaluation.EvalReport;
import io.tunestream.llm.evaluation.ExactMatchEvaluator;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.SchedulerSettings;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.SyntheticTask;
import io.tunestream.llm.tasks.TaskFamily;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The loop benchmark: does the platform's own loop make the served model better? From scratch on the embedded stack
 * (the packaged services as processes on a real broker, S3 server and PostgreSQL): a tiny model is pretrained and
 * fine-tuned on the synthetic tasks (the demo's {@link Bootstrap}, cached under {@code .tunestream/bench-loop/}), imported as
 * version 1, an evaluation set of new verifiable questions is registered as the policy's gate, a stream of new
 * prompts is fed in, and a dpo pipeline (greedy plus n sampled answers, the training recipe on the pipeline) runs
 * until K candidates were decided. Per round it prints pairs, drops by reason, the chosen step, candidate vs parent
 * per family with the gate's p-value and the decision, and the production model's exact match on a held-out set that
 * neither training nor the gate used. A rejected candidate leaves the round open, so the benchmark then feeds a new batch
 * of prompts for the same production model.
 *
 * <p>Opt-in: {@code ./tunestream bench-loop [--rounds K]}, i.e.
 * {@code ./mvnw -B -pl launcher verify -Dtest=LoopBenchmark -Dtunestream.bench.loop=true}. Settings as system
 * properties {@code tunestream.bench.loop.<name>}: rounds (3), prompts (per feed, 400), every-new (outcomes per
 * version; default every answer of a feed), seed (42), samples (n, 4), temperature (1.0), steps (100), learning-rate (3e-5), nll-weight (1.0),
 * beta (0.1), eval-every (10), eval-fraction (0.25), gate-per-family (40), held-out-per-family (40).
 */
@EnabledIfSystemProperty(named = "tunestream.bench.loop", matches = "true")
class LoopBenchmark {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final String MODEL = "tiny-llama";

    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(20);

    private final int rounds = Integer.getInteger("tunestream.bench.loop.rounds", 3);
    private final int promptsPerFeed = Integer.getInteger("tunestream.bench.loop.prompts", 400);
    private final long seed = Long.getLong("tunestream.bench.loop.seed", 42L);
    private final int samples = Integer.getInteger("tunestream.bench.loop.samples", 4);
    /** Every answer of a feed is one outcome, so by default a feed is sealed as one version, when it is complete. */
    private final int everyNew = Integer.getInteger("tunestream.bench.loop.every-new", promptsPerFeed * (samples + 1));

    private final double temperature = doubleProperty("temperature", 1.0);
    private final int steps = Integer.getInteger("tunestream.bench.loop.steps", 100);
    private final double learningRate = doubleProperty("learning-rate", 3e-5);
    private final double nllWeight = doubleProperty("nll-weight", 1.0);
    private final double beta = doubleProperty("beta", 0.1);
    private final int evalEvery = Integer.getInteger("tunestream.bench.loop.eval-every", 10);
    private final double evalFraction = doubleProperty("eval-fraction", 0.25);
    private final int gatePerFamily = Integer.getInteger("tunestream.bench.loop.gate-per-family", 40);
    private final int heldOutPerFamily = Integer.getInteger("tunestream.bench.loop.held-out-per-family", 40);

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
    void theLoopImprovesTheServedModelRoundAfterRound() throws Exception {
        long started = System.nanoTime();
        Path cache = REPOSITORY.resolve(".tunestream/bench-loop");
        Bootstrap bootstrap = new Bootstrap(seed, 2000, heldOutPerFamily, 800, 3200);
        Path base = bootstrap.ensure(cache, System.out);
        Path tasks = bootstrap.corpus(cache);
        log("bootstrap ready after %.1f min: %s", minutes(started), base);

        // Three disjoint question sets: the held-out report (the corpus' eval.jsonl), the gate's evaluation set and
        // the prompts fed into the loop. None of them is an SFT prompt.
        List<EvalItem> heldOut = EvalItems.read(tasks.resolve(SyntheticCorpus.EVAL_FILE));
        TaskSets taken = new TaskSets(tasks);
        List<SyntheticTask> gate = taken.next(seed + 1, gatePerFamily);
        Path work = Files.createTempDirectory("tunestream-bench-loop");
        Path gateFile = work.resolve("gate.jsonl");
        TaskSets.write(gateFile, gate, true);

        settings = TestStacks.freeSettings("ts_bench")
                .withEnvironment(
                        "registry-service",
                        Map.of(
                                "TUNESTREAM_REGISTRY_IMPORTING_ALLOWED_DIRECTORIES",
                                base.getParent().toString()))
                .withEnvironment(
                        "dataset-service",
                        Map.of("TUNESTREAM_DATASET_SEALING_EVAL_FRACTION", Double.toString(evalFraction)));
        StackLayout layout = new StackLayout(REPOSITORY, work.resolve("home"));
        client = new StackClient(settings, layout);
        stack = new Stack(layout, postgres, settings);
        assertThat(stack.up(new PrintStream(new ByteArrayOutputStream())))
                .as("the stack starts")
                .isTrue();
        log("stack up after %.1f min", minutes(started));

        HttpResponse<String> imported =
                client.post("registry-service", "/models/" + MODEL + "/import", "{\"directory\": \"" + base + "\"}");
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        ok(client.post("dataset-service", "/datasets", "{\"name\": \"bench-gate\", \"kind\": \"eval\"}"));
        ok(client.postFile("dataset-service", "/datasets/bench-gate/uploads", "application/x-ndjson", gateFile));
        JsonNode gateVersion =
                StackClient.json(ok(client.post("dataset-service", "/datasets/bench-gate/versions", "{}"))
                        .body());
        int gateNumber = gateVersion.get("version").asInt();
        ok(client.put(
                "registry-service",
                "/models/" + MODEL + "/policy",
                "{\"mode\": \"automatic\", \"margin\": 0,"
                        + " \"evaluationSet\": {\"dataset\": \"bench-gate\", \"version\": " + gateNumber + "},"
                        + " \"alpha\": 0.05, \"familyTolerance\": 0.02}"));

        EvalReport start = heldOutReport(base, heldOut);
        List<String> summary = new ArrayList<>();
        summary.add(row("v1 (SFT start)", "", "", "", "", start));

        // Prompts are fed a batch at a time, so a rejected round still has new prompts for the same production model.
        ok(client.post("dataset-service", "/datasets", "{\"name\": \"bench-prompts\", \"kind\": \"sft\"}"));
        List<SyntheticTask> fed = new ArrayList<>();
        feed(work, taken, fed, 0);
        client.awaitConsumed("dataset-service.model-versions", "tunestream.model-versions", Duration.ofMinutes(2));
        ObjectNode pipeline = EventJson.mapper().createObjectNode();
        pipeline.put("name", "bench-dpo")
                .put("dataset", "bench-prompts")
                .put("model", MODEL)
                .put("recipe", "dpo")
                .put("minPairs", 32);
        pipeline.putObject("sampling")
                .put("temperature", temperature)
                .put("topP", 1.0)
                .put("maxTokens", 16)
                .put("n", samples)
                .put("includeGreedy", true)
                .put("seed", seed);
        pipeline.putObject("trigger").put("everyNew", everyNew);
        pipeline.putObject("training")
                .put("maxSteps", steps)
                .put("batchSize", 16)
                .put("learningRate", learningRate)
                .put("beta", beta)
                .put("nllWeight", nllWeight)
                .put("lossType", "sigmoid")
                .put("evalEvery", evalEvery)
                .put("method", "full")
                .put("maxLength", 96);
        ok(client.post("dataset-service", "/pipelines", pipeline.toString()));

        int production = 1;
        EvalReport productionReport = start;
        for (int round = 1; round <= rounds; round++) {
            Stamped<ModelVersionEvent> decision = awaitDecision(round);
            int candidate = decision.event().version();
            JsonNode version = client.getJson("registry-service", "/models/" + MODEL + "/versions/" + candidate);
            TrainedModelEvent trained = trainedModel(version.get("jobId").asText());
            DatasetVersionEvent data = datasetVersion(
                    trained.lineage().dataset(), trained.lineage().datasetVersion());
            boolean promoted = decision.event().action() == ModelVersionAction.PROMOTED;
            printRound(round, candidate, data, trained, version, promoted);
            if (!promoted) {
                // The same production model answers a new batch, so the next round has new work: a promotion
                // instead starts a round in which the new version answers every prompt fed so far.
                feed(work, taken, fed, fed.size());
            } else {
                EvalReport report = heldOutReport(download(candidate, work.resolve("v" + candidate)), heldOut);
                log(
                        "round %d: held-out exact match of v%d %.1f%% (parent v%d %.1f%%)%s",
                        round,
                        candidate,
                        100 * report.accuracy(),
                        production,
                        100 * productionReport.accuracy(),
                        report.accuracy() < productionReport.accuracy() ? "  BELOW ITS PARENT" : "");
                production = candidate;
                productionReport = report;
            }
            summary.add(row(
                    "round " + round + ": v" + candidate,
                    promoted ? "promoted" : "rejected",
                    "d" + data.version() + " " + data.counts().getOrDefault("train", 0L) + "+"
                            + data.counts().getOrDefault("eval", 0L),
                    trained.chosenStep() + "/" + trained.steps(),
                    gateFigures(trained.evaluation()),
                    productionReport));
            log("after %.1f min", minutes(started));
        }
        System.out.println();
        System.out.println("BENCH-LOOP summary (held-out exact match of the production model after each round)");
        System.out.println(String.format(
                Locale.ROOT,
                "%-22s %-9s %-12s %-8s %-20s %s",
                "",
                "decision",
                "data (tr+ev)",
                "step",
                "gate cand/parent",
                heldOutHeader(start)));
        summary.forEach(System.out::println);
        System.out.printf(
                Locale.ROOT,
                "BENCH-LOOP production v%d: %.1f%% vs SFT start %.1f%% (%+.1f points) in %.1f min" + " on %d cores%n",
                production,
                100 * productionReport.accuracy(),
                100 * start.accuracy(),
                100 * (productionReport.accuracy() - start.accuracy()),
                minutes(started),
                Runtime.getRuntime().availableProcessors());
    }

    /** Waits for the round's decided candidate (promoted or rejected), the loop's events in order. */
    private Stamped<ModelVersionEvent> awaitDecision(int round) {
        client.awaitWithLogs(
                "the decision on round " + round + "'s candidate",
                ROUND_TIMEOUT,
                () -> decisions().size() >= round,
                "dataset-service",
                "training-service",
                "registry-service");
        return decisions().get(round - 1);
    }

    private List<Stamped<ModelVersionEvent>> decisions() {
        return client.events("tunestream.model-versions", ModelVersionEvent.class).stream()
                .filter(event -> event.event().version() > 1
                        && (event.event().action() == ModelVersionAction.REJECTED
                                || (event.event().action() == ModelVersionAction.PROMOTED
                                        && ModelVersionEvent.PRODUCTION.equals(
                                                event.event().alias()))))
                .toList();
    }

    /** Uploads the next batch of new prompts (tasks nobody trained, gated or reports on). */
    private void feed(Path work, TaskSets taken, List<SyntheticTask> fed, int already) {
        int families = CorpusSpec.defaults().families().size();
        List<SyntheticTask> batch = taken.next(seed + 2 + already, (promptsPerFeed + families - 1) / families);
        Path file = work.resolve("prompts-" + already + ".jsonl");
        TaskSets.write(file, batch, false);
        ok(client.postFile("dataset-service", "/datasets/bench-prompts/uploads", "application/x-ndjson", file));
        fed.addAll(batch);
        log("fed %d new prompts (%d in all)", batch.size(), fed.size());
    }

    private EvalReport heldOutReport(Path model, List<EvalItem> items) {
        Inference.disableGradientsOnThisThread();
        try (Tokenizer tokenizer = Tokenizer.load(model);
                LlamaModel loaded = LlamaModel.load(model);
                GenerationScheduler scheduler = new GenerationScheduler(
                        loaded,
                        ids -> tokenizer.decode(ids, true),
                        Set.copyOf(
                                Arrays.stream(tokenizer.eosTokenIds()).boxed().toList()),
                        new SchedulerSettings(32, 4096))) {
            return ExactMatchEvaluator.greedy(scheduler, tokenizer, PromptTemplates.named(PromptTemplates.CHATML), 16)
                    .evaluate(items);
        }
    }

    /** The version's checkpoint, downloaded through the registry's REST API (what any user can fetch). */
    private Path download(int version, Path directory) throws IOException {
        Files.createDirectories(directory);
        JsonNode view = client.getJson("registry-service", "/models/" + MODEL + "/versions/" + version);
        for (JsonNode file : view.get("artifact").get("files")) {
            String path = file.get("path").asText();
            HttpResponse<InputStream> response = client.sendForStream(HttpRequest.newBuilder(client.uri(
                            "registry-service", "/models/" + MODEL + "/versions/" + version + "/files/" + path))
                    .GET()
                    .build());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            Path target = directory.resolve(path);
            Files.createDirectories(target.getParent());
            try (InputStream body = response.body()) {
                Files.copy(body, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return directory;
    }

    private TrainedModelEvent trainedModel(String jobId) {
        return client.events("tunestream.trained-models", TrainedModelEvent.class).stream()
                .map(Stamped::event)
                .filter(event -> event.jobId().equals(jobId))
                .findFirst()
                .orElseThrow();
    }

    private DatasetVersionEvent datasetVersion(String dataset, int version) {
        return client.events("tunestream.dataset-versions", DatasetVersionEvent.class).stream()
                .map(Stamped::event)
                .filter(event -> event.dataset().equals(dataset) && event.version() == version)
                .findFirst()
                .orElseThrow();
    }

    private void printRound(
            int round,
            int candidate,
            DatasetVersionEvent data,
            TrainedModelEvent trained,
            JsonNode version,
            boolean promoted) {
        log("round %d: dataset version %d: %s", round, data.version(), data.counts());
        log(
                "round %d: v%d trained %s steps, step %s chosen on the validation split%s",
                round,
                candidate,
                trained.steps(),
                trained.chosenStep(),
                Long.valueOf(0).equals(trained.chosenStep())
                        ? " (no step beat the start: the candidate is its parent's weights)"
                        : "");
        GateEvaluation gate = trained.evaluation();
        if (gate != null) {
            gate.families()
                    .forEach((family, result) -> log(
                            "round %d:   %-16s candidate %3d/%-3d parent %3d/%-3d",
                            round,
                            family,
                            result.candidateCorrect(),
                            result.items(),
                            result.parentCorrect(),
                            result.items()));
            log(
                    "round %d:   %-16s candidate %3d/%-3d parent %3d/%-3d discordant %d vs %d",
                    round,
                    "all",
                    gate.candidateCorrect(),
                    gate.items(),
                    gate.parentCorrect(),
                    gate.items(),
                    gate.candidateOnly(),
                    gate.parentOnly());
        }
        log(
                "round %d: %s: %s",
                round,
                promoted ? "PROMOTED" : "REJECTED",
                version.path("decisionReason").asText());
    }

    private static String gateFigures(GateEvaluation gate) {
        return gate == null
                ? "-"
                : String.format(
                        Locale.ROOT,
                        "%.1f/%.1f (%d:%d)",
                        100 * gate.candidateAccuracy(),
                        100 * gate.parentAccuracy(),
                        gate.candidateOnly(),
                        gate.parentOnly());
    }

    private static String heldOutHeader(EvalReport report) {
        return "held-out: all "
                + report.byFamily().keySet().stream()
                        .map(TaskFamily::name)
                        .map(name -> name.toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(" "));
    }

    private static String row(String label, String decision, String data, String step, String gate, EvalReport report) {
        String families = report.byFamily().values().stream()
                .map(score -> String.format(Locale.ROOT, "%.1f", 100 * score.accuracy()))
                .collect(Collectors.joining(" "));
        return String.format(
                Locale.ROOT,
                "%-22s %-9s %-12s %-8s %-20s %.1f%% | %s",
                label,
                decision,
                data,
                step,
                gate,
                100 * report.accuracy(),
                families);
    }

    private static HttpResponse<String> ok(HttpResponse<String> response) {
        assertThat(response.statusCode() / 100)
                .as(response.uri() + ": " + response.body())
                .isEqualTo(2);
        return response;
    }

    private static double doubleProperty(String name, double fallback) {
        String value = System.getProperty("tunestream.bench.loop." + name);
        return value == null ? fallback : Double.parseDouble(value);
    }

    private static double minutes(long since) {
        return (System.nanoTime() - since) / 60e9;
    }

    private static void log(String format, Object... args) {
        System.out.println("BENCH-LOOP " + String.format(Locale.ROOT, format, args));
    }
}
