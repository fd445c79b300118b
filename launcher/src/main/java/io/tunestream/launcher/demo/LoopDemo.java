package io.tunestream.launcher.demo;

import static io.tunestream.launcher.cli.GatewayClient.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.launcher.cli.GatewayClient;
import io.tunestream.launcher.cli.LiveLine;
import io.tunestream.llm.tasks.SyntheticTask;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The platform's main job, run for a person: a tiny model bootstrapped from scratch (cached), imported under the name
 * the generation-service serves, an evaluation set registered as the promotion gate, samples published on the bus, a
 * dpo pipeline, and K rounds of the loop watched live through the gateway (answers, pairs and drops, the training job,
 * candidate vs parent per family, the decision, the production model's accuracy on the gate's questions).
 */
public final class LoopDemo {

    public static final String EVAL_DATASET = "demo-gate";
    public static final String PROMPT_DATASET = "demo-prompts";
    public static final String PIPELINE = "demo-dpo";

    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration POLL = Duration.ofSeconds(1);

    private final GatewayClient gateway;
    private final SamplePublisher publisher;
    private final DemoSettings settings;
    private final String model;
    private final Path cache;
    private final PrintStream out;
    private final LiveLine live;

    /**
     * @param model the name the generation-service serves
     * @param cache where the bootstrapped model is kept between runs
     */
    public LoopDemo(
            GatewayClient gateway,
            String bootstrapServers,
            String topicPrefix,
            DemoSettings settings,
            String model,
            Path cache,
            PrintStream out,
            boolean terminal) {
        this.gateway = gateway;
        this.publisher = new SamplePublisher(bootstrapServers, topicPrefix);
        this.settings = settings;
        this.model = model;
        this.cache = cache;
        this.out = out;
        this.live = new LiveLine(out, terminal);
    }

    /** One decided round. */
    public record Round(
            int round,
            int candidate,
            boolean promoted,
            String reason,
            String data,
            String chosenStep,
            JsonNode gate,
            int productionVersion,
            double productionAccuracy) {}

    /** What the run did: the start's accuracy on the gate's questions, each round, the production model at the end. */
    public record Result(double startAccuracy, List<Round> rounds) {
        public double productionAccuracy() {
            return rounds.isEmpty()
                    ? startAccuracy
                    : rounds.get(rounds.size() - 1).productionAccuracy();
        }

        public int productionVersion() {
            return rounds.isEmpty() ? 1 : rounds.get(rounds.size() - 1).productionVersion();
        }
    }

    /** Thrown when this home already ran a demo: its model exists, so a fresh start needs a purge. */
    public static final class AlreadyRunException extends RuntimeException {
        public AlreadyRunException(String message) {
            super(message);
        }
    }

    public Result run() throws IOException {
        long started = System.nanoTime();
        GatewayClient.Answer existing = gateway.get("/api/v1/models/" + model);
        if (existing.ok()) {
            throw new AlreadyRunException("this home already has the model '" + model + "' (from an earlier demo or"
                    + " import); for a fresh demo run ./tunestream down --purge (the bootstrapped model stays cached),"
                    + " then ./tunestream demo");
        }

        step("1/5", "bootstrap: a tiny Llama from scratch on the synthetic tasks");
        Bootstrap bootstrap = settings.bootstrap();
        boolean cached = bootstrap.cached(cache);
        Path base = bootstrap.ensure(cache, out);
        out.printf(
                Locale.ROOT,
                "  %s %s (%.1f min)%n",
                cached ? "cached:" : "made:",
                base,
                (System.nanoTime() - started) / 60e9);

        step("2/5", "import it as '" + model + "' (version 1, production)");
        JsonNode imported = ok(gateway.postDirectory("/api/v1/models/" + model + "/import", base), "importing " + base);
        out.println("  " + model + " v" + imported.path("version").asInt()
                + " in the registry, in production: the generation-service serves it");

        step("3/5", "register the evaluation set the promotion gate measures on");
        TaskSets tasks = new TaskSets(bootstrap.corpus(cache));
        List<SyntheticTask> gate = tasks.next(DemoSettings.SEED + 1, settings.gatePerFamily());
        Path gateFile = Files.createTempFile("tunestream-demo-gate", ".jsonl");
        try {
            TaskSets.write(gateFile, gate, true);
            ok(
                    gateway.post("/api/v1/datasets", Map.of("name", EVAL_DATASET, "kind", "eval")),
                    "creating " + EVAL_DATASET);
            ok(
                    gateway.postFile("/api/v1/datasets/" + EVAL_DATASET + "/uploads", "application/x-ndjson", gateFile),
                    "uploading the evaluation set");
        } finally {
            Files.deleteIfExists(gateFile);
        }
        int gateVersion = ok(gateway.post("/api/v1/datasets/" + EVAL_DATASET + "/versions", Map.of()), "sealing")
                .path("version")
                .asInt();
        ObjectNode policy = GatewayClient.mapper().createObjectNode();
        policy.put("mode", "automatic").put("margin", 0.0).put("alpha", 0.05);
        policy.put("familyTolerance", settings.familyTolerance());
        policy.putObject("evaluationSet").put("dataset", EVAL_DATASET).put("version", gateVersion);
        ok(gateway.put("/api/v1/models/" + model + "/policy", policy), "setting the promotion policy");
        out.printf(
                Locale.ROOT,
                "  %s v%d: %d questions (%d per family), never trained on; policy: automatic, a significant gain"
                        + " (paired sign test, alpha 0.05), no family down more than %.0f points%n",
                EVAL_DATASET,
                gateVersion,
                gate.size(),
                settings.gatePerFamily(),
                100 * settings.familyTolerance());

        step("4/5", "publish samples on the bus and create the dpo pipeline");
        ok(gateway.post("/api/v1/datasets", Map.of("name", PROMPT_DATASET, "kind", "sft")), "creating the dataset");
        int fed = feed(tasks, 0);
        createPipeline();
        out.println("  pipeline " + PIPELINE + ": greedy + " + settings.samples() + " sampled answers per prompt;"
                + " every wrong answer is the rejected side of a pair, the ground truth the chosen side");

        step("5/5", "run " + settings.rounds() + " round" + (settings.rounds() == 1 ? "" : "s") + " of the loop");
        List<Round> rounds = new ArrayList<>();
        Double start = null;
        int productionVersion = 1;
        for (int round = 1; round <= settings.rounds(); round++) {
            JsonNode version = awaitDecision(round, started);
            JsonNode gateFigures = version.path("gate");
            double parentAccuracy = gateFigures.path("parentAccuracy").asDouble(Double.NaN);
            if (start == null) {
                start = parentAccuracy;
            }
            boolean promoted = "promoted".equals(version.path("decision").asText());
            double production = promoted ? gateFigures.path("candidateAccuracy").asDouble() : parentAccuracy;
            int candidate = version.path("version").asInt();
            if (promoted) {
                productionVersion = candidate;
            }
            Round decided = new Round(
                    round,
                    candidate,
                    promoted,
                    version.path("decisionReason").asText(),
                    data(version),
                    chosenStep(version),
                    gateFigures,
                    productionVersion,
                    production);
            rounds.add(decided);
            printRound(decided);
            if (!promoted && round < settings.rounds()) {
                // A rejected round stays open for the same production model: new prompts give it new work.
                fed += feed(tasks, fed);
            }
        }
        Result result = new Result(start == null ? Double.NaN : start, rounds);
        printSummary(result, started);
        return result;
    }

    private void step(String number, String what) {
        out.println();
        out.println("[" + number + "] " + what);
    }

    private int feed(TaskSets tasks, int already) {
        int families = 5;
        List<SyntheticTask> batch =
                tasks.next(DemoSettings.SEED + 2 + already, (settings.promptsPerFeed() + families - 1) / families);
        publisher.publish(PROMPT_DATASET, batch);
        long expected = already + batch.size();
        long seen = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (seen < expected) {
            seen = ok(gateway.get("/api/v1/datasets/" + PROMPT_DATASET + "/statistics"), "statistics")
                    .path("samples")
                    .asLong();
            live.status("  published " + batch.size() + " samples to the samples topic; the dataset-service took "
                    + (seen - already) + "/" + batch.size());
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the dataset-service took " + seen + " of " + expected
                        + " samples in 2 minutes; see ./tunestream logs dataset-service");
            }
            pause();
        }
        live.finish("  published " + batch.size() + " samples to the samples topic (CloudEvents, binary mode);"
                + " the dataset-service took all " + batch.size());
        return batch.size();
    }

    private void createPipeline() {
        ObjectNode pipeline = GatewayClient.mapper().createObjectNode();
        pipeline.put("name", PIPELINE)
                .put("dataset", PROMPT_DATASET)
                .put("model", model)
                .put("recipe", "dpo")
                .put("minPairs", 16);
        pipeline.putObject("sampling")
                .put("temperature", settings.temperature())
                .put("topP", 1.0)
                .put("maxTokens", 16)
                .put("n", settings.samples())
                .put("includeGreedy", true)
                .put("seed", DemoSettings.SEED);
        // Every answer of a feed is one outcome: a feed is sealed as one version when it is complete.
        pipeline.putObject("trigger").put("everyNew", settings.promptsPerFeed() * (settings.samples() + 1));
        pipeline.putObject("training")
                .put("maxSteps", settings.trainingSteps())
                .put("batchSize", 16)
                .put("learningRate", settings.learningRate())
                .put("beta", 0.1)
                .put("nllWeight", 1.0)
                .put("lossType", "sigmoid")
                .put("evalEvery", settings.evalEvery())
                .put("method", "full")
                .put("maxLength", 96);
        ok(gateway.post("/api/v1/pipelines", pipeline), "creating the pipeline");
    }

    /** Polls the pipeline, the training job and the versions until round {@code round}'s candidate is decided. */
    private JsonNode awaitDecision(int round, long started) {
        long deadline = System.nanoTime() + ROUND_TIMEOUT.toNanos();
        while (true) {
            List<JsonNode> decided = new ArrayList<>();
            for (JsonNode version : ok(gateway.get("/api/v1/models/" + model + "/versions"), "versions")) {
                String decision = version.path("decision").asText();
                if (version.path("version").asInt() > 1
                        && (decision.equals("promoted") || decision.equals("rejected"))
                        && version.has("gate")) {
                    decided.add(version);
                }
            }
            if (decided.size() >= round) {
                live.finish(roundStatus(round, started));
                return decided.get(round - 1);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("round " + round + " was not decided in " + ROUND_TIMEOUT.toMinutes()
                        + " minutes; see ./tunestream logs dataset-service (or training-service, registry-service)");
            }
            live.status(roundStatus(round, started));
            pause();
        }
    }

    private String roundStatus(int round, long started) {
        JsonNode pipeline = ok(gateway.get("/api/v1/pipelines/" + PIPELINE), "the pipeline");
        JsonNode outcomes = pipeline.path("outcomes");
        long pairs = outcomes.path("pairs").asLong();
        long dropped = 0;
        Map<String, Long> drops = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : outcomes.properties()) {
            if (entry.getKey().startsWith("dropped.")) {
                dropped += entry.getValue().asLong();
                drops.put(
                        entry.getKey().substring("dropped.".length()),
                        entry.getValue().asLong());
            }
        }
        long answers = pairs + dropped;
        long expected = pipeline.path("promptsPublished").asLong() * (settings.samples() + 1);
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "  round %d %5.1f min | v%d answered %d/%d | pairs %d, dropped %d",
                round,
                (System.nanoTime() - started) / 60e9,
                pipeline.path("modelVersion").asInt(),
                answers,
                expected,
                pairs,
                dropped));
        if (!drops.isEmpty()) {
            line.append(' ').append(drops.toString().replace('{', '(').replace('}', ')'));
        }
        JsonNode jobs = gateway.get("/api/v1/jobs?limit=1").body();
        if (jobs.isArray() && !jobs.isEmpty()) {
            JsonNode job = jobs.get(0);
            String state = job.path("state").asText();
            if (state.equals("QUEUED")
                    || (state.equals("RUNNING") && job.path("maxSteps").asLong() == 0)) {
                line.append(" | training d")
                        .append(job.path("datasetVersion").asInt())
                        .append(" starting");
            } else if (state.equals("RUNNING")) {
                long step = job.path("step").asLong();
                long maxSteps = job.path("maxSteps").asLong();
                line.append(String.format(
                        Locale.ROOT,
                        " | training d%d %s %d/%d",
                        job.path("datasetVersion").asInt(),
                        LiveLine.bar(step, maxSteps, 12),
                        step,
                        maxSteps));
                line.append(
                        step >= maxSteps
                                ? " | gate: candidate vs parent on the evaluation set"
                                : job.hasNonNull("lastLoss")
                                        ? String.format(
                                                Locale.ROOT,
                                                " loss %.3f",
                                                job.path("lastLoss").asDouble())
                                        : "");
            }
        }
        return line.toString();
    }

    private String data(JsonNode version) {
        JsonNode lineage = version.path("lineage");
        if (!lineage.has("datasetVersion")) {
            return "-";
        }
        JsonNode manifest = gateway.get(
                        "/api/v1/datasets/" + lineage.path("dataset").asText() + "/versions")
                .body();
        for (JsonNode sealed : manifest) {
            if (sealed.path("version").asInt() == lineage.path("datasetVersion").asInt()) {
                return "d" + sealed.path("version").asInt() + " "
                        + sealed.path("train").asLong() + "+"
                        + sealed.path("eval").asLong();
            }
        }
        return "d" + lineage.path("datasetVersion").asInt();
    }

    private String chosenStep(JsonNode version) {
        if (!version.hasNonNull("jobId")) {
            return "-";
        }
        JsonNode job =
                gateway.get("/api/v1/jobs/" + version.get("jobId").asText()).body();
        JsonNode chosen = job.path("result").path("chosenStep");
        return chosen.isMissingNode()
                ? "-"
                : chosen.asText() + "/" + job.path("maxSteps").asLong();
    }

    private void printRound(Round round) {
        JsonNode gate = round.gate();
        out.printf(
                Locale.ROOT,
                "  v%d trained on %s (train+eval pairs), step %s chosen on the validation split%n",
                round.candidate(),
                round.data(),
                round.chosenStep());
        out.printf(Locale.ROOT, "  %-24s %10s %10s%n", "gate (exact match)", "candidate", "parent");
        for (Map.Entry<String, JsonNode> family : gate.path("families").properties()) {
            JsonNode figures = family.getValue();
            out.printf(
                    Locale.ROOT,
                    "  %-24s %9.1f%% %9.1f%%%s%n",
                    family.getKey().toLowerCase(Locale.ROOT),
                    100 * figures.path("candidateAccuracy").asDouble(),
                    100 * figures.path("parentAccuracy").asDouble(),
                    figures.path("withinTolerance").asBoolean(true) ? "" : "  (beyond the tolerance)");
        }
        out.printf(
                Locale.ROOT,
                "  %-24s %9.1f%% %9.1f%%  (%d right only by the candidate, %d only by the parent, p = %s)%n",
                "all " + gate.path("items").asInt() + " questions",
                100 * gate.path("candidateAccuracy").asDouble(),
                100 * gate.path("parentAccuracy").asDouble(),
                gate.path("candidateOnly").asInt(),
                gate.path("parentOnly").asInt(),
                gate.hasNonNull("pValue")
                        ? String.format(Locale.ROOT, "%.3f", gate.get("pValue").asDouble())
                        : "-");
        out.printf(
                Locale.ROOT,
                "  decision: %s (%s); production is v%d, %.1f%% on the gate's questions%n",
                round.promoted() ? "PROMOTED" : "REJECTED",
                round.reason(),
                round.productionVersion(),
                100 * round.productionAccuracy());
    }

    private void printSummary(Result result, long started) {
        out.println();
        out.printf(
                Locale.ROOT,
                "Summary (%.1f min): production accuracy on the gate's %s questions%n",
                (System.nanoTime() - started) / 60e9,
                result.rounds().isEmpty()
                        ? "?"
                        : result.rounds().get(0).gate().path("items").asText());
        String format = "%-8s %-10s %-12s %-8s %-18s %-10s %s%n";
        out.printf(
                Locale.ROOT,
                format,
                "round",
                "candidate",
                "data",
                "step",
                "gate cand/parent",
                "decision",
                "production");
        out.printf(
                Locale.ROOT,
                format,
                "start",
                "v1",
                "",
                "",
                "",
                "",
                String.format(Locale.ROOT, "v1 %.1f%%", 100 * result.startAccuracy()));
        for (Round round : result.rounds()) {
            out.printf(
                    Locale.ROOT,
                    format,
                    round.round(),
                    "v" + round.candidate(),
                    round.data(),
                    round.chosenStep(),
                    String.format(
                            Locale.ROOT,
                            "%.1f%% / %.1f%%",
                            100 * round.gate().path("candidateAccuracy").asDouble(),
                            100 * round.gate().path("parentAccuracy").asDouble()),
                    round.promoted() ? "promoted" : "rejected",
                    String.format(
                            Locale.ROOT, "v%d %.1f%%", round.productionVersion(), 100 * round.productionAccuracy()));
        }
        out.printf(
                Locale.ROOT,
                "%nproduction v%d: %.1f%% vs %.1f%% at the start (%+.1f points)%n",
                result.productionVersion(),
                100 * result.productionAccuracy(),
                100 * result.startAccuracy(),
                100 * (result.productionAccuracy() - result.startAccuracy()));
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
