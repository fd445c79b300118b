package io.tunestream.llm.cli;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.data.DataFormat;
import io.tunestream.llm.data.DatasetReader;
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
import io.tunestream.llm.tokenizer.BpeTrainer;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.llm.training.CausalLmObjective;
import io.tunestream.llm.training.DpoLossType;
import io.tunestream.llm.training.DpoObjective;
import io.tunestream.llm.training.DpoSettings;
import io.tunestream.llm.training.LearningRateSchedule;
import io.tunestream.llm.training.PreferenceExample;
import io.tunestream.llm.training.StepMetrics;
import io.tunestream.llm.training.Trainer;
import io.tunestream.llm.training.TrainingData;
import io.tunestream.llm.training.TrainingExample;
import io.tunestream.llm.training.TrainingObjective;
import io.tunestream.llm.training.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The learning-quality run: from scratch on the synthetic tasks, pretrain, then SFT, then one DPO round whose
 * rejected answers are the SFT model's own generations (chosen = the ground truth), printing per-task exact-match
 * accuracy after each stage. The whole loop of the platform, in one process.
 */
@Command(name = "bench-quality", description = "Pretrain -> SFT -> one on-policy DPO round, accuracy after each stage.")
final class BenchQualityCommand implements Callable<Integer> {

    @Option(names = "--work", description = "directory for the corpus and models (default: a temporary directory)")
    Path work;

    @Option(names = "--vocab-size", defaultValue = "1024", description = "BPE vocabulary of the scratch tokenizer")
    int vocabSize;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--pretrain-steps", defaultValue = "800")
    int pretrainSteps;

    @Option(names = "--sft-steps", defaultValue = "800")
    int sftSteps;

    @Option(names = "--dpo-steps", defaultValue = "60")
    int dpoSteps;

    @Option(names = "--dpo-pairs", defaultValue = "512", description = "SFT prompts answered for the DPO round")
    int dpoPrompts;

    @Option(names = "--dpo-learning-rate", defaultValue = "5e-6")
    double dpoLearningRate;

    @Option(names = "--dpo-beta", defaultValue = "0.1")
    double dpoBeta;

    @Option(names = "--dpo-nll-weight", defaultValue = "0.2", description = "NLL term on the chosen answers")
    double dpoNllWeight;

    @Override
    public Integer call() throws Exception {
        Inference.disableGradientsOnThisThread();
        Path directory = work != null ? work : Files.createTempDirectory("tunestream-quality");
        Path tasks = directory.resolve("tasks");
        SyntheticCorpus.write(tasks, new CorpusSpec(seed, 2000, 40, 1, CorpusSpec.defaults().families()));
        PromptTemplate chatml = PromptTemplates.named(PromptTemplates.CHATML);
        List<String> texts = new ArrayList<>();
        List<InstructionRecord> sftRecords = new ArrayList<>();
        try (DatasetReader reader = DatasetReader.open(tasks.resolve(SyntheticCorpus.PRETRAIN_FILE), null)) {
            reader.forEach(parsed -> texts.add(TrainingData.text(parsed.record(), chatml)));
        }
        try (DatasetReader reader = DatasetReader.open(tasks.resolve(SyntheticCorpus.SFT_FILE), DataFormat.INSTRUCTION)) {
            for (ParsedRecord parsed : reader) {
                sftRecords.add((InstructionRecord) parsed.record());
            }
        }
        List<EvalItem> evalItems = EvalItems.read(tasks.resolve(SyntheticCorpus.EVAL_FILE));
        Path tokenizerDirectory = directory.resolve("tokenizer");
        LlamaConfig shape = ModelPresets.tiny(vocabSize);
        BpeTrainer.builder().vocabSize(vocabSize).modelMaxLength(shape.maxPositionEmbeddings()).build().train(texts)
                .write(tokenizerDirectory);
        ObjectNode json = Json.MAPPER.createObjectNode();
        ArrayNode stages = json.putArray("stages");
        long started = System.nanoTime();
        try (Tokenizer tokenizer = Tokenizer.load(tokenizerDirectory);
                LlamaModel model = LlamaModel.initialize(ModelPresets.tiny(tokenizer.vocabSize()).withSpecialTokens(
                        null, Arrays.stream(tokenizer.eosTokenIds()).boxed().toList()), seed,
                        Engine.getInstance().newBaseManager())) {
            json.put("parameters", model.parameterCount());
            TrainingData data = new TrainingData(tokenizer, chatml);
            int pad = tokenizer.padTokenId().orElse(0);

            List<TrainingExample> blocks = data.pretrainBlocks(texts, 128);
            train(model, new CausalLmObjective(pad), blocks, settings(pretrainSteps, 16, 2e-3), "pretrain");
            stages.add(stage("pretrain", evaluate(model, tokenizer, chatml, evalItems), started));

            List<TrainingExample> sft = sftRecords.stream().map(r -> data.sft(r.messages(), 64)).toList();
            train(model, new CausalLmObjective(pad), sft, settings(sftSteps, 16, 1e-3), "sft");
            stages.add(stage("sft", evaluate(model, tokenizer, chatml, evalItems), started));

            List<PreferenceRecord> pairs = onPolicyPairs(model, tokenizer, chatml,
                    sftRecords.subList(0, Math.min(dpoPrompts, sftRecords.size())));
            json.put("dpo_pairs", pairs.size());
            json.put("dpo_prompts_answered_correctly", Math.min(dpoPrompts, sftRecords.size()) - pairs.size());
            List<PreferenceExample> preferenceExamples = pairs.stream().map(p -> data.preference(p, 96, 64)).toList();
            DpoSettings dpo = new DpoSettings(dpoBeta, DpoLossType.SIGMOID, 0, dpoNllWeight);
            json.set("dpo", Json.MAPPER.valueToTree(dpo));
            if (!preferenceExamples.isEmpty()) {
                List<StepMetrics> history = train(model, new DpoObjective(pad, dpo), preferenceExamples,
                        settings(dpoSteps, 16, dpoLearningRate), "dpo");
                json.set("dpo_last_step", Json.MAPPER.valueToTree(history.get(history.size() - 1).metrics()));
            }
            stages.add(stage("dpo", evaluate(model, tokenizer, chatml, evalItems), started));
        }
        System.out.println(Json.PRETTY.writeValueAsString(json));
        return 0;
    }

    private static TrainingSettings settings(int steps, int batch, double rate) {
        return new TrainingSettings(steps, batch, 1, rate, Math.min(10, steps / 10), LearningRateSchedule.Kind.COSINE,
                0.1, 1.0, 0.0, 42);
    }

    private static <E> List<StepMetrics> train(LlamaModel model, TrainingObjective<E> objective,
            List<E> examples, TrainingSettings settings, String stage) {
        System.err.println(stage + ": " + examples.size() + " examples");
        return new Trainer<>(model, model.namedWeights(), objective, settings).fit(examples,
                metrics -> TrainingOptions.progress(System.err, metrics));
    }

    /** Greedy answers stop at the tokenizer's end-of-sequence ids, as the platform's generation does. */
    private static GenerationScheduler scheduler(LlamaModel model, Tokenizer tokenizer) {
        return new GenerationScheduler(model, ids -> tokenizer.decode(ids, true),
                Set.copyOf(Arrays.stream(tokenizer.eosTokenIds()).boxed().toList()), new SchedulerSettings(32, 4096));
    }

    private static EvalReport evaluate(LlamaModel model, Tokenizer tokenizer, PromptTemplate template,
            List<EvalItem> items) {
        try (GenerationScheduler scheduler = scheduler(model, tokenizer)) {
            EvalReport report = ExactMatchEvaluator.greedy(scheduler, tokenizer, template, 16).evaluate(items);
            System.err.println(report.toTable());
            return report;
        }
    }

    /** The model's own greedy answers to SFT prompts become the rejected side; correct answers make no pair. */
    private static List<PreferenceRecord> onPolicyPairs(LlamaModel model, Tokenizer tokenizer, PromptTemplate template,
            List<InstructionRecord> records) {
        List<PreferenceRecord> pairs = new ArrayList<>();
        try (GenerationScheduler scheduler = scheduler(model, tokenizer)) {
            List<CompletableFuture<GenerationResult>> answers = new ArrayList<>();
            for (InstructionRecord record : records) {
                int[] prompt = tokenizer.encode(template.render(List.of(ChatMessage.user(record.instruction())), true),
                        false);
                answers.add(scheduler.submit(new GenerationRequest(prompt, SamplingParams.greedy(16))));
            }
            for (int i = 0; i < records.size(); i++) {
                String rejected = answers.get(i).join().first().text().strip();
                String chosen = records.get(i).output();
                if (!rejected.isEmpty() && !normalise(rejected).equals(normalise(chosen))) {
                    pairs.add(new PreferenceRecord(records.get(i).instruction(), chosen, rejected));
                }
            }
        }
        return pairs;
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
