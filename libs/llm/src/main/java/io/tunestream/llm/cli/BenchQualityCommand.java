package io.tunestream.llm.cli;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.data.DataFormat;
import io.tunestream.llm.data.DatasetReader;
import io.tunestream.llm.data.DatasetWriter;
import io.tunestream.llm.data.InstructionRecord;
import io.tunestream.llm.data.ParsedRecord;
import io.tunestream.llm.data.PreferenceRecord;
import io.tunestream.llm.evaluation.EvalItem;
import io.tunestream.llm.evaluation.EvalItems;
import io.tunestream.llm.evaluation.EvalReport;
import io.tunestream.llm.evaluation.ExactMatchEvaluator;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationResult;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.SchedulerSettings;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaConfig;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.model.ModelPresets;
import io.tunestream.llm.prompt.ChatMessage;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.SyntheticTask;
import io.tunestream.llm.tasks.TaskGenerator;
import io.tunestream.llm.tokenizer.BpeTrainer;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.llm.training.DpoLossType;
import io.tunestream.llm.training.DpoSettings;
import io.tunestream.llm.training.FineTuneResult;
import io.tunestream.llm.training.FineTuneSpec;
import io.tunestream.llm.training.FineTuning;
import io.tunestream.llm.training.ModelEvaluator;
import io.tunestream.llm.training.PreferenceExample;
import io.tunestream.llm.training.StepMetrics;
import io.tunestream.llm.training.TrainingData;
import io.tunestream.llm.training.TrainingExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The learning-quality run: from scratch on the synthetic tasks, pretrain, then SFT, then one DPO round whose
 * rejected answers are the SFT model's own generations to new prompts (chosen = the ground truth), printing per-task
 * exact-match accuracy after each stage. The round's checkpoint, the SFT model included, is the one that answers the
 * most validation questions right: questions neither reported nor trained on. The whole loop of the platform, in one
 * process, and deterministic for a seed.
 */
@Command(name = "bench-quality", description = "Pretrain -> SFT -> one on-policy DPO round, accuracy after each stage.")
final class BenchQualityCommand implements Callable<Integer> {

    /** The easiest tasks: the model is the 0.8M-parameter {@code tiny} preset. */
    private static final int DIFFICULTY = 1;
    /** The questions that chose the SFT and DPO checkpoints, in the eval file's format, beside the corpus. */
    static final String VALIDATION_FILE = "validation.jsonl";

    @Option(names = "--work", description = "directory for the corpus and models (default: a temporary directory)")
    Path work;

    @Option(names = "--vocab-size", defaultValue = "320", description = "BPE vocabulary of the scratch tokenizer")
    int vocabSize;

    @Option(
            names = "--individual-digits",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "the tokenizer splits every digit into a token of its own (default; --no-individual-digits"
                    + " lets BPE merge digits with spaces and each other)")
    boolean individualDigits;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--pretrain-steps", defaultValue = "800")
    int pretrainSteps;

    @Option(names = "--sft-steps", defaultValue = "3200")
    int sftSteps;

    @Option(names = "--dpo-steps", defaultValue = "100")
    int dpoSteps;

    @Option(
            names = "--dpo-prompts",
            defaultValue = "500",
            description = "new prompts the SFT model answers for the DPO round")
    int dpoPrompts;

    @Option(names = "--dpo-learning-rate", defaultValue = "3e-5")
    double dpoLearningRate;

    @Option(names = "--dpo-beta", defaultValue = "0.1")
    double dpoBeta;

    @Option(names = "--dpo-nll-weight", defaultValue = "1.0", description = "NLL term on the chosen answers")
    double dpoNllWeight;

    @Option(
            names = "--dpo-samples",
            defaultValue = "4",
            description = "sampled answers per prompt, besides the greedy one, whose wrong ones become rejected sides")
    int dpoSamples;

    @Option(names = "--dpo-temperature", defaultValue = "1.0", description = "temperature of those samples")
    double dpoTemperature;

    @Option(
            names = "--sft-eval-every",
            defaultValue = "0",
            description = "SFT steps between exact-match evaluations on the validation set, the best being the result"
                    + " (0: the last step is the result)")
    int sftEvalEvery;

    @Option(
            names = "--dpo-eval-every",
            defaultValue = "10",
            description = "DPO steps between exact-match evaluations on the validation set (the start is one)")
    int dpoEvalEvery;

    @Option(
            names = "--validation-per-family",
            defaultValue = "40",
            description = "held-out questions per task that choose the DPO checkpoint (never the reported ones)")
    int validationPerFamily;

    @Override
    public Integer call() throws Exception {
        Inference.disableGradientsOnThisThread();
        Path directory = work != null ? work : Files.createTempDirectory("tunestream-quality");
        Path tasks = directory.resolve("tasks");
        SyntheticCorpus.write(
                tasks,
                new CorpusSpec(seed, 2000, 40, DIFFICULTY, CorpusSpec.defaults().families()));
        PromptTemplate chatml = PromptTemplates.named(PromptTemplates.CHATML);
        List<String> texts = new ArrayList<>();
        List<InstructionRecord> sftRecords = new ArrayList<>();
        try (DatasetReader reader = DatasetReader.open(tasks.resolve(SyntheticCorpus.PRETRAIN_FILE), null)) {
            reader.forEach(parsed -> texts.add(TrainingData.text(parsed.record(), chatml)));
        }
        try (DatasetReader reader =
                DatasetReader.open(tasks.resolve(SyntheticCorpus.SFT_FILE), DataFormat.INSTRUCTION)) {
            for (ParsedRecord parsed : reader) {
                sftRecords.add((InstructionRecord) parsed.record());
            }
        }
        List<EvalItem> evalItems = EvalItems.read(tasks.resolve(SyntheticCorpus.EVAL_FILE));
        List<EvalItem> validationItems = validationItems(evalItems, sftRecords);
        try (DatasetWriter writer = DatasetWriter.create(directory.resolve(VALIDATION_FILE))) {
            for (EvalItem item : validationItems) {
                writer.write(
                        InstructionRecord.of(item.prompt(), item.answer()),
                        Map.of("family", item.family().name()));
            }
        }
        Path tokenizerDirectory = directory.resolve("tokenizer");
        LlamaConfig shape = ModelPresets.tiny(vocabSize);
        BpeTrainer.builder()
                .vocabSize(vocabSize)
                .modelMaxLength(shape.maxPositionEmbeddings())
                .individualDigits(individualDigits)
                .build()
                .train(texts)
                .write(tokenizerDirectory);
        ObjectNode json = Json.MAPPER.createObjectNode();
        ObjectNode validationCounts = json.putObject("validation_items");
        validationItems.forEach(item -> validationCounts.put(
                item.family().name(),
                validationCounts.path(item.family().name()).asInt() + 1));
        ArrayNode stages = json.putArray("stages");
        long started = System.nanoTime();
        try (Tokenizer tokenizer = Tokenizer.load(tokenizerDirectory);
                LlamaModel model = LlamaModel.initialize(
                        ModelPresets.tiny(tokenizer.vocabSize())
                                .withSpecialTokens(
                                        null,
                                        Arrays.stream(tokenizer.eosTokenIds())
                                                .boxed()
                                                .toList()),
                        seed,
                        Engine.getInstance().newBaseManager())) {
            json.put("parameters", model.parameterCount());
            TrainingData data = new TrainingData(tokenizer, chatml);
            ModelEvaluator validation = current -> validationMetrics(current, tokenizer, chatml, validationItems);
            int pad = tokenizer.padTokenId().orElse(0);

            List<TrainingExample> blocks = data.pretrainBlocks(texts, 128);
            train(model, pad, stageSpec(FineTuneSpec.pretrain(), pretrainSteps, 2e-3), blocks, "pretrain", json);
            stages.add(stage("pretrain", evaluate(model, tokenizer, chatml, evalItems), started));

            List<TrainingExample> sft =
                    sftRecords.stream().map(r -> data.sft(r.messages(), 64)).toList();
            train(
                    model,
                    pad,
                    selected(stageSpec(FineTuneSpec.sft(), sftSteps, 1e-3), sftEvalEvery, false, validation),
                    sft,
                    "sft",
                    json);
            stages.add(stage("sft", evaluate(model, tokenizer, chatml, evalItems), started));

            List<InstructionRecord> prompts = dpoPrompts(evalItems, validationItems);
            List<PreferenceRecord> pairs = onPolicyPairs(model, tokenizer, chatml, prompts);
            json.put("dpo_pairs", pairs.size());
            json.put("dpo_prompts", prompts.size());
            json.put(
                    "dpo_prompts_with_a_pair",
                    pairs.stream().map(PreferenceRecord::prompt).distinct().count());
            List<PreferenceExample> preferenceExamples =
                    pairs.stream().map(p -> data.preference(p, 96, 64)).toList();
            DpoSettings dpo = new DpoSettings(dpoBeta, DpoLossType.SIGMOID, 0, dpoNllWeight);
            json.set("dpo", Json.MAPPER.valueToTree(dpo));
            if (!preferenceExamples.isEmpty()) {
                // The SFT model competes: a round that only makes validation answers worse changes nothing.
                FineTuneSpec round =
                        stageSpec(FineTuneSpec.dpo(), dpoSteps, dpoLearningRate).withDpo(dpo);
                List<StepMetrics> history = train(
                        model, pad, selected(round, dpoEvalEvery, true, validation), preferenceExamples, "dpo", json);
                json.set(
                        "dpo_last_step",
                        Json.MAPPER.valueToTree(history.get(history.size() - 1).metrics()));
            }
            stages.add(stage("dpo", evaluate(model, tokenizer, chatml, evalItems), started));
        }
        System.out.println(Json.PRETTY.writeValueAsString(json));
        return 0;
    }

    /**
     * A stage of the run: the recipe's spec with full fine-tuning, {@code steps} steps of 16 examples at peak learning
     * rate {@code rate}, every other setting the spec's default (seed 42).
     */
    private static FineTuneSpec stageSpec(FineTuneSpec recipe, int steps, double rate) {
        return recipe.withMethod(FineTuneSpec.Method.full())
                .withOptimisation(FineTuneSpec.Optimisation.defaults()
                        .withMaxSteps(steps)
                        .withBatch(16, 1)
                        .withLearningRate(rate));
    }

    /**
     * With {@code selectEvery} above 0 the validation questions are asked every that many steps and the checkpoint with
     * the most right is the stage's result (with {@code startCompetes}, the model the stage started from too).
     */
    private static FineTuneSpec selected(
            FineTuneSpec spec, int selectEvery, boolean startCompetes, ModelEvaluator validation) {
        if (selectEvery <= 0) {
            return spec;
        }
        return spec.withEvaluation(FineTuneSpec.Evaluation.every(selectEvery)
                .withPatience(0)
                .withEvaluationAtStart(startCompetes)
                .selectingBy(validation, "exact_match"));
    }

    /**
     * Trains the model for one stage; when the spec selects, the curve and the chosen step go into {@code json} under
     * the stage's name.
     */
    private static <E> List<StepMetrics> train(
            LlamaModel model, int pad, FineTuneSpec spec, List<E> examples, String stage, ObjectNode json) {
        System.err.println(stage + ": " + examples.size() + " examples");
        FineTuneResult result = FineTuning.<E>of(spec, model, pad)
                .setup()
                .fit(examples, List.of(), ProgressLine.onStandardError(), null, null);
        List<StepMetrics> history = result.history();
        if (spec.evaluation().enabled()) {
            ObjectNode selection = json.putObject(stage + "_selection");
            ArrayNode curve = selection.putArray("validation_exact_match");
            if (spec.evaluation().evaluateAtStart()) {
                curve.addObject()
                        .put("step", 0)
                        .put("exact_match", result.startMetrics().get("exact_match"));
            }
            for (StepMetrics metrics : history) {
                Double exactMatch = metrics.metrics().get("eval/exact_match");
                if (exactMatch != null) {
                    curve.addObject().put("step", metrics.step()).put("exact_match", exactMatch);
                }
            }
            selection.put("chosen_step", result.chosenStep());
            System.err.println(
                    stage + ": validation exact match " + curve + "; step " + result.chosenStep() + " is the result");
        }
        return history;
    }

    /** Greedy answers stop at the tokenizer's end-of-sequence ids, as the platform's generation does. */
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
            EvalReport report = ExactMatchEvaluator.greedy(scheduler, tokenizer, template, 16)
                    .evaluate(items);
            System.err.println(report.toTable());
            return report;
        }
    }

    /**
     * The model's own answers to SFT prompts become rejected sides, the ground truth the chosen one: its greedy
     * answer and {@code dpoSamples} sampled ones, each distinct wrong answer one pair. Right answers make no pair.
     */
    private List<PreferenceRecord> onPolicyPairs(
            LlamaModel model, Tokenizer tokenizer, PromptTemplate template, List<InstructionRecord> records) {
        List<PreferenceRecord> pairs = new ArrayList<>();
        try (GenerationScheduler scheduler = scheduler(model, tokenizer)) {
            List<CompletableFuture<GenerationResult>> greedy = new ArrayList<>();
            List<CompletableFuture<GenerationResult>> sampled = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                int[] prompt = tokenizer.encode(
                        template.render(List.of(ChatMessage.user(records.get(i).instruction())), true), false);
                greedy.add(scheduler.submit(new GenerationRequest(prompt, SamplingParams.greedy(16))));
                if (dpoSamples > 0) {
                    sampled.add(scheduler.submit(new GenerationRequest(
                            prompt,
                            SamplingParams.sampled(16, dpoTemperature, 1.0, seed * 1_000_003L + i)
                                    .withN(dpoSamples))));
                }
            }
            for (int i = 0; i < records.size(); i++) {
                List<String> answers = new ArrayList<>();
                answers.add(greedy.get(i).join().first().text());
                if (dpoSamples > 0) {
                    sampled.get(i).join().completions().forEach(completion -> answers.add(completion.text()));
                }
                String chosen = records.get(i).output();
                Set<String> seen = new HashSet<>();
                seen.add(normalise(chosen));
                for (String answer : answers) {
                    String rejected = answer.strip();
                    if (!rejected.isEmpty() && seen.add(normalise(rejected))) {
                        pairs.add(new PreferenceRecord(records.get(i).instruction(), chosen, rejected));
                    }
                }
            }
        }
        return pairs;
    }

    /**
     * Questions that choose the DPO checkpoint: tasks of another seed that are neither reported nor trained on, so
     * the checkpoint is chosen for generalising, not for recalling training answers, and the reported accuracy is
     * never the one that was maximised. A family whose prompts the training set already covers (one-digit addition
     * has 100) gets fewer or none.
     */
    private List<EvalItem> validationItems(List<EvalItem> reported, List<InstructionRecord> training) {
        Set<String> excluded = new HashSet<>();
        reported.forEach(item -> excluded.add(item.prompt()));
        training.forEach(record -> excluded.add(record.instruction()));
        return newTasks(seed + 1, validationPerFamily, excluded).stream()
                .map(task -> new EvalItem(task.family(), task.prompt(), task.answer()))
                .toList();
    }

    /**
     * The prompts of the DPO round, as they would flow into the platform after the SFT model went live: new tasks
     * with their ground truth, none of them a reported or validation question (they may repeat a training prompt,
     * as a stream of real prompts does).
     */
    private List<InstructionRecord> dpoPrompts(List<EvalItem> reported, List<EvalItem> validation) {
        Set<String> excluded = new HashSet<>();
        reported.forEach(item -> excluded.add(item.prompt()));
        validation.forEach(item -> excluded.add(item.prompt()));
        int families = CorpusSpec.defaults().families().size();
        return newTasks(seed + 2, (dpoPrompts + families - 1) / families, excluded).stream()
                .map(task -> InstructionRecord.of(task.prompt(), task.answer()))
                .toList();
    }

    /** Up to {@code perFamily} distinct tasks per family whose prompts are not in {@code excluded} (which grows). */
    private static List<SyntheticTask> newTasks(long taskSeed, int perFamily, Set<String> excluded) {
        return new TaskGenerator(taskSeed).untaken(CorpusSpec.defaults().families(), perFamily, DIFFICULTY, excluded);
    }

    private static Map<String, Double> validationMetrics(
            LlamaModel model, Tokenizer tokenizer, PromptTemplate template, List<EvalItem> items) {
        try (GenerationScheduler scheduler = scheduler(model, tokenizer)) {
            EvalReport report = ExactMatchEvaluator.greedy(scheduler, tokenizer, template, 16)
                    .evaluate(items);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("exact_match", report.accuracy());
            report.byFamily().forEach((family, score) -> metrics.put("exact_match/" + family, score.accuracy()));
            return metrics;
        }
    }

    private static String normalise(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static ObjectNode stage(String name, EvalReport report, long started) throws Exception {
        ObjectNode stage = (ObjectNode) Json.MAPPER.readTree(report.toJson());
        stage.put("stage", name);
        stage.put("elapsed_s", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
        return stage;
    }
}
