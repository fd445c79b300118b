package io.tunestream.launcher;

import io.tunestream.launcher.demo.Bootstrap;
import io.tunestream.launcher.demo.DemoSettings;
import io.tunestream.launcher.demo.TaskSets;
import io.tunestream.llm.data.PreferenceRecord;
import io.tunestream.llm.evaluation.EvalItem;
import io.tunestream.llm.evaluation.EvalReport;
import io.tunestream.llm.evaluation.ExactMatchEvaluator;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationResult;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.SchedulerSettings;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.prompt.ChatMessage;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tasks.SyntheticTask;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.llm.training.DpoLossType;
import io.tunestream.llm.training.DpoSettings;
import io.tunestream.llm.training.FineTuneResult;
import io.tunestream.llm.training.FineTuneSpec;
import io.tunestream.llm.training.FineTuning;
import io.tunestream.llm.training.PreferenceExample;
import io.tunestream.llm.training.TrainingData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The demo's first round in one process, without the stack: what the platform does with the quick demo's settings
 * ({@link DemoSettings#quick()}), replayed with the engine directly, so that a setting can be tried in minutes instead
 * of a stack run. The bootstrap (the demo's {@link Bootstrap}, cached under {@code target/demo-round-cache/}), the
 * gate's questions and one feed of prompts drawn as {@code LoopDemo} draws them; the start answers every prompt greedily
 * and {@code samples} times sampled; every distinct wrong answer is a pair (the truth chosen), a quarter of the prompts
 * (by a hash of the prompt, as the dataset-service splits by sample) are the validation split; DPO with the NLL term,
 * full fine-tuning, the checkpoint with the most validation questions right, the start competing (the training-service's
 * recipe); then the start and the candidate on the gate's questions, per family, with the discordant counts and the
 * one-sided sign test's p-value the registry's gate computes.
 *
 * <p>It is a replica, not the platform: the hash of the split and the sampling seeds differ, so its pairs are not the
 * stack's pairs. Opt-in: {@code ./mvnw -B -o verify -pl launcher -Dtest=DemoRoundBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dtunestream.bench.demo-round=true}; settings as
 * {@code -Dtunestream.bench.demo-round.<name>}: pretrain-steps, sft-steps, train-per-family (the bootstrap), prompts,
 * samples, temperature, steps, learning-rate, beta, nll-weight, eval-every, gate-per-family, eval-fraction.
 */
@EnabledIfSystemProperty(named = "tunestream.bench.demo-round", matches = "true")
class DemoRoundBenchmark {

    private static final DemoSettings QUICK = DemoSettings.quick();

    static int i(String name, int fallback) {
        return Integer.getInteger("tunestream.bench.demo-round." + name, fallback);
    }

    static double d(String name, double fallback) {
        String v = System.getProperty("tunestream.bench.demo-round." + name);
        return v == null ? fallback : Double.parseDouble(v);
    }

    @Test
    void theQuickDemosRoundInOneProcess() throws Exception {
        // One engine thread, as the demo's services run (DemoCommand.withOneEngineThread).
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        long t0 = System.nanoTime();
        Path cache = Path.of("target/demo-round-cache").toAbsolutePath();
        Bootstrap quick = QUICK.bootstrap();
        Bootstrap bootstrap = new Bootstrap(
                quick.seed(),
                i("train-per-family", quick.trainPerFamily()),
                quick.heldOutPerFamily(),
                i("pretrain-steps", quick.pretrainSteps()),
                i("sft-steps", quick.sftSteps()));
        Path base = bootstrap.ensure(cache, System.out);
        log("bootstrap %.1f min", (System.nanoTime() - t0) / 60e9);
        TaskSets sets = new TaskSets(bootstrap.corpus(cache));
        List<SyntheticTask> gate = sets.next(DemoSettings.SEED + 1, i("gate-per-family", QUICK.gatePerFamily()));
        int promptsPerFamily = (i("prompts", QUICK.promptsPerFeed()) + 4) / 5;
        List<SyntheticTask> prompts = sets.next(DemoSettings.SEED + 2, promptsPerFamily);
        int samples = i("samples", QUICK.samples());
        double temperature = d("temperature", QUICK.temperature());
        Inference.disableGradientsOnThisThread();
        try (LlamaModel model = LlamaModel.load(base);
                Tokenizer tokenizer = Tokenizer.load(base)) {
            PromptTemplate template = PromptTemplates.forTokenizer(tokenizer, PromptTemplates.CHATML);
            List<EvalItem> gateItems = gate.stream()
                    .map(t -> new EvalItem(t.family(), t.prompt(), t.answer()))
                    .toList();
            long t1 = System.nanoTime();
            EvalReport parent = evaluate(model, tokenizer, template, gateItems);
            log("parent gate %.1f%% (%d items) %s", 100 * parent.accuracy(), gateItems.size(), families(parent));
            // The pipeline's answers and PairJudge's verdicts: a pair per distinct wrong answer, split by prompt.
            List<PreferenceRecord> train = new ArrayList<>();
            List<PreferenceRecord> eval = new ArrayList<>();
            int right = 0;
            int dup = 0;
            Set<String> pairedPrompts = new HashSet<>();
            try (GenerationScheduler scheduler = scheduler(model, tokenizer)) {
                List<CompletableFuture<GenerationResult>> greedy = new ArrayList<>();
                List<CompletableFuture<GenerationResult>> sampled = new ArrayList<>();
                for (int k = 0; k < prompts.size(); k++) {
                    int[] prompt = tokenizer.encode(
                            template.render(
                                    List.of(ChatMessage.user(prompts.get(k).prompt())), true),
                            false);
                    greedy.add(scheduler.submit(new GenerationRequest(prompt, SamplingParams.greedy(16))));
                    if (samples > 0) {
                        sampled.add(scheduler.submit(new GenerationRequest(
                                prompt,
                                SamplingParams.sampled(16, temperature, 1.0, 42L * 1_000_003L + k)
                                        .withN(samples))));
                    }
                }
                for (int k = 0; k < prompts.size(); k++) {
                    List<String> answers = new ArrayList<>();
                    answers.add(greedy.get(k).join().first().text());
                    if (samples > 0) {
                        sampled.get(k).join().completions().forEach(c -> answers.add(c.text()));
                    }
                    SyntheticTask task = prompts.get(k);
                    Set<String> seen = new HashSet<>();
                    boolean isEval = isEval(task.prompt(), d("eval-fraction", 0.25));
                    for (String answer : answers) {
                        String a = answer.strip();
                        String n = a.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
                        if (a.isEmpty()) {
                            continue;
                        }
                        if (n.equals(task.answer().strip().toLowerCase(Locale.ROOT))) {
                            right++;
                            continue;
                        }
                        if (!seen.add(n)) {
                            dup++;
                            continue;
                        }
                        pairedPrompts.add(task.prompt());
                        (isEval ? eval : train).add(new PreferenceRecord(task.prompt(), task.answer(), a));
                    }
                }
            }
            log(
                    "%d prompts x %d: %d+%d pairs from %d prompts, %d right, %d dup (%.1f s)",
                    prompts.size(),
                    samples + 1,
                    train.size(),
                    eval.size(),
                    pairedPrompts.size(),
                    right,
                    dup,
                    (System.nanoTime() - t1) / 1e9);
            TrainingData data = new TrainingData(tokenizer, template);
            int maxLength = 96;
            List<PreferenceExample> trainExamples = train.stream()
                    .map(p -> data.preference(p, maxLength, Math.max(4, maxLength / 2)))
                    .toList();
            List<EvalItem> validation = eval.stream()
                    .map(p -> new EvalItem(familyOf(prompts, p.prompt()), p.prompt(), p.chosen()))
                    .toList();
            DpoSettings dpo = new DpoSettings(d("beta", 0.1), DpoLossType.SIGMOID, 0, d("nll-weight", 1.0));
            FineTuneSpec spec = FineTuneSpec.dpo()
                    .withDpo(dpo)
                    .withMethod(FineTuneSpec.Method.full())
                    .withOptimisation(FineTuneSpec.Optimisation.defaults()
                            .withMaxSteps(i("steps", QUICK.trainingSteps()))
                            .withBatch(16, 1)
                            .withLearningRate(d("learning-rate", QUICK.learningRate()))
                            .withSeed(42))
                    .withEvaluation(FineTuneSpec.Evaluation.every(i("eval-every", QUICK.evalEvery()))
                            .withPatience(0)
                            .withEvaluationAtStart(true)
                            .selectingBy(
                                    current -> Map.of(
                                            "exact_match",
                                            evaluate(current, tokenizer, template, validation)
                                                    .accuracy()),
                                    "exact_match"));
            long t2 = System.nanoTime();
            FineTuneResult result = FineTuning.<PreferenceExample>of(
                            spec, model, tokenizer.padTokenId().orElse(0))
                    .setup()
                    .fit(
                            trainExamples,
                            List.of(),
                            metrics -> {
                                if (metrics.metrics().containsKey("eval/exact_match")) {
                                    log(
                                            "step %d: validation exact match %.3f, loss %.3f",
                                            metrics.step(),
                                            metrics.metrics().get("eval/exact_match"),
                                            metrics.metrics().get("loss"));
                                }
                            },
                            null,
                            null);
            StringBuilder curve = new StringBuilder();
            curve.append("0:").append(fmt(result.startMetrics().get("exact_match")));
            result.history().forEach(m -> {
                Double em = m.metrics().get("eval/exact_match");
                if (em != null) {
                    curve.append(' ').append(m.step()).append(':').append(fmt(em));
                }
            });
            log(
                    "dpo %.1f s; validation (%d) %s; chosen %d",
                    (System.nanoTime() - t2) / 1e9, validation.size(), curve, result.chosenStep());
            EvalReport candidate = evaluate(model, tokenizer, template, gateItems);
            log("candidate gate %.1f%% %s", 100 * candidate.accuracy(), families(candidate));
            int[] discord = discordant(parent, candidate);
            log(
                    "RESULT pt=%d sft=%d prompts=%d samples=%d steps=%d lr=%s beta=%s nll=%s: parent %.1f%% candidate"
                            + " %.1f%% discordant %d:%d p=%.4f chosen %d; total %.1f min",
                    bootstrap.pretrainSteps(),
                    bootstrap.sftSteps(),
                    prompts.size(),
                    samples,
                    i("steps", QUICK.trainingSteps()),
                    d("learning-rate", QUICK.learningRate()),
                    d("beta", 0.1),
                    d("nll-weight", 1.0),
                    100 * parent.accuracy(),
                    100 * candidate.accuracy(),
                    discord[0],
                    discord[1],
                    pValue(discord[0], discord[1]),
                    result.chosenStep(),
                    (System.nanoTime() - t0) / 60e9);
        }
    }

    private static int[] discordant(EvalReport parent, EvalReport candidate) {
        int c = 0;
        int p = 0;
        for (int k = 0; k < parent.items().size(); k++) {
            boolean pc = parent.items().get(k).correct();
            boolean cc = candidate.items().get(k).correct();
            c += cc && !pc ? 1 : 0;
            p += pc && !cc ? 1 : 0;
        }
        return new int[] {c, p};
    }

    static double pValue(int c, int p) {
        int n = c + p;
        double tail = 0;
        for (int k = c; k <= n; k++) {
            tail += Math.exp(logChoose(n, k) - n * Math.log(2));
        }
        return n == 0 ? 1 : tail;
    }

    static double logChoose(int n, int k) {
        double s = 0;
        for (int j = 1; j <= k; j++) {
            s += Math.log(n - k + j) - Math.log(j);
        }
        return s;
    }

    private static io.tunestream.llm.tasks.TaskFamily familyOf(List<SyntheticTask> tasks, String prompt) {
        for (SyntheticTask t : tasks) {
            if (t.prompt().equals(prompt)) {
                return t.family();
            }
        }
        throw new IllegalStateException(prompt);
    }

    private static String families(EvalReport report) {
        StringBuilder s = new StringBuilder();
        report.byFamily()
                .forEach((f, score) -> s.append(f.name().toLowerCase(Locale.ROOT))
                        .append('=')
                        .append(String.format(Locale.ROOT, "%.1f", 100 * score.accuracy()))
                        .append(' '));
        return s.toString();
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    static boolean isEval(String prompt, double fraction) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(prompt.getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int k = 0; k < 8; k++) {
                bits = (bits << 8) | (h[k] & 0xff);
            }
            return (bits >>> 4) < (long) (fraction * 0x1p60);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static GenerationScheduler scheduler(LlamaModel model, Tokenizer tokenizer) {
        return new GenerationScheduler(
                model,
                ids -> tokenizer.decode(ids, true),
                Set.copyOf(Arrays.stream(tokenizer.eosTokenIds()).boxed().toList()),
                new SchedulerSettings(32, 4096));
    }

    private static EvalReport evaluate(
            LlamaModel model, Tokenizer tokenizer, PromptTemplate template, List<EvalItem> items) {
        try (GenerationScheduler scheduler = scheduler(model, tokenizer)) {
            return ExactMatchEvaluator.greedy(scheduler, tokenizer, template, 16)
                    .evaluate(items);
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("BENCH-DEMO-ROUND " + String.format(Locale.ROOT, format, args));
    }
}
