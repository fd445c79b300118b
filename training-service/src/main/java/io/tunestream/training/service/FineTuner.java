package io.tunestream.training.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.events.EventJson;
import io.tunestream.events.Recipe;
import io.tunestream.llm.data.DataFormat;
import io.tunestream.llm.data.DatasetReader;
import io.tunestream.llm.data.ParsedRecord;
import io.tunestream.llm.data.PreferenceRecord;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.llm.training.FineTuneResult;
import io.tunestream.llm.training.FineTuneSpec;
import io.tunestream.llm.training.FineTuning;
import io.tunestream.llm.training.PreferenceExample;
import io.tunestream.llm.training.RunOutput;
import io.tunestream.llm.training.StepMetrics;
import io.tunestream.llm.training.TrainingCheckpoint;
import io.tunestream.llm.training.TrainingData;
import io.tunestream.llm.training.TrainingExample;
import io.tunestream.llm.training.TrainingObjective;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one training with the engine, in the calling thread: {@code pretrain} (packed blocks, every token learned),
 * {@code sft} (causal-LM loss on the answers) or {@code dpo} (the starting model is the frozen reference), by the job's
 * {@code method}: LoRA over the F32 base, LoRA over an int8 or NF4 base (QLoRA style), or full fine-tuning. It evaluates
 * on the eval split every {@code evalEvery} steps and keeps the best weights: for DPO those that answer the most
 * verifiable eval questions exactly (greedy), the starting weights competing as step 0, so a run whose steps never beat
 * its start returns its start (the engine's {@code bench-quality} recipe); otherwise (SFT, pretrain, or DPO without a
 * verifiable question) those of the lowest eval loss; every
 * {@code checkpointEvery} steps it writes a resumable checkpoint, and it resumes from one when asked. Writes
 * {@code OUTPUT/adapter/} (PEFT; not after full fine-tuning) and {@code OUTPUT/merged/} (Hugging Face checkpoint, F32)
 * and measures the parent (the base) and the candidate on the eval split.
 *
 * <p>The engine's gradient recorder is process-global: callers run one fine-tuning at a time per JVM.
 */
@ApplicationScoped
public class FineTuner {

    /** The metric the promotion policy compares for DPO: how often the policy prefers the chosen answer more than the reference did. */
    public static final String DPO_EVAL_METRIC = "eval/rewards/accuracies";
    /** The metric the promotion policy compares for SFT: minus the eval loss, so that higher is better as the policy expects. */
    public static final String SFT_EVAL_METRIC = "eval/neg_loss";
    /**
     * The metric the promotion policy compares when every held-out record is verifiable (see {@link ExactMatch}): the
     * share answered exactly, for either recipe.
     */
    public static final String EXACT_MATCH_METRIC = "eval/exact_match";
    /** How many held-out questions {@link #EXACT_MATCH_METRIC} was measured on. */
    public static final String EXACT_MATCH_QUESTIONS = "eval/exact_match_questions";

    /**
     * What a run produced; {@code adapter} is null after full fine-tuning.
     *
     * @param steps the last optimizer step run
     * @param trainExamples the training examples the run drew from
     * @param selection how the candidate's weights were chosen
     */
    public record Outcome(
            Path adapter,
            Path merged,
            String evalMetric,
            Map<String, Double> candidateMetrics,
            Map<String, Double> parentMetrics,
            long steps,
            int trainExamples,
            Selection selection) {

        /** The step whose weights are the candidate: 0 when the starting weights won. */
        public long chosenStep() {
            return selection.chosenStep();
        }
    }

    /**
     * How the candidate was chosen among the evaluated checkpoints.
     *
     * @param metric the metric compared, e.g. {@code eval/exact_match} (greedy exact match on the validation split) or
     *     {@code eval/loss}
     * @param startCompetes whether the starting weights competed as step 0
     * @param chosenStep the step whose weights are the candidate; 0: no step beat the starting weights
     * @param startValue the starting weights' value, or null when they were not evaluated (or the run resumed)
     * @param chosenValue the chosen step's value
     */
    public record Selection(
            String metric, boolean startCompetes, long chosenStep, Double startValue, Double chosenValue) {

        /** Whether the candidate is the starting model because no step beat it. */
        public boolean keptStart() {
            return startCompetes && chosenStep == 0;
        }
    }

    /** Told of every resumable checkpoint once it is complete on disk. */
    @FunctionalInterface
    public interface CheckpointListener {
        /**
         * @param directory the checkpoint's {@code step-N} directory (every file it needs to resume)
         */
        void saved(long step, Path directory);
    }

    /**
     * @param onStep       called after every optimizer step; an exception thrown there stops the run at that step
     * @param onCheckpoint called after the steps that wrote a checkpoint ({@code request.checkpointEvery()}), after
     *                     {@code onStep}; an exception thrown there stops the run too
     */
    public Outcome run(TrainingRequest request, Consumer<StepMetrics> onStep, CheckpointListener onCheckpoint) {
        Consumer<StepMetrics> listener = onStep;
        if (request.checkpointEvery() > 0) {
            Path checkpoints = runDirectory(request).resolve("checkpoints");
            listener = step -> {
                onStep.accept(step);
                if (step.step() % request.checkpointEvery() == 0) {
                    onCheckpoint.saved(step.step(), TrainingCheckpoint.directory(checkpoints, step.step()));
                }
            };
        }
        return switch (request.recipe()) {
            case SFT -> sft(request, listener);
            case DPO -> dpo(request, listener);
            case PRETRAIN -> pretrain(request, listener);
        };
    }

    /** Continued pretraining: every record as text, packed into blocks of {@code maxLength} tokens, all learned. */
    private Outcome pretrain(TrainingRequest request, Consumer<StepMetrics> onStep) {
        Inference.disableGradientsOnThisThread();
        JobHyperparameters hp = request.hyperparameters();
        try (LlamaModel model = LlamaModel.load(request.baseModel());
                Tokenizer tokenizer = Tokenizer.load(request.baseModel())) {
            PromptTemplate template = PromptTemplates.forTokenizer(tokenizer, PromptTemplates.CHATML);
            TrainingData data = new TrainingData(tokenizer, template);
            List<TrainingExample> train = data.pretrainBlocks(texts(request.train(), template), hp.maxLength());
            List<TrainingExample> eval = data.pretrainBlocks(texts(request.eval(), template), hp.maxLength());
            return fit(request, model, tokenizer, template, train, eval, List.of(), SFT_EVAL_METRIC, onStep);
        }
    }

    private static List<String> texts(Path file, PromptTemplate template) {
        List<String> texts = new ArrayList<>();
        forEachRecord(file, null, parsed -> texts.add(TrainingData.text(parsed.record(), template)));
        return texts;
    }

    private Outcome sft(TrainingRequest request, Consumer<StepMetrics> onStep) {
        Inference.disableGradientsOnThisThread();
        JobHyperparameters hp = request.hyperparameters();
        try (LlamaModel model = LlamaModel.load(request.baseModel());
                Tokenizer tokenizer = Tokenizer.load(request.baseModel())) {
            PromptTemplate template = PromptTemplates.forTokenizer(tokenizer, PromptTemplates.CHATML);
            TrainingData data = new TrainingData(tokenizer, template);
            List<TrainingExample> train = sftExamples(data, request.train(), hp.maxLength());
            List<TrainingExample> eval = sftExamples(data, request.eval(), hp.maxLength());
            List<ExactMatch.Question> questions = new ArrayList<>();
            forEachRecord(
                    request.eval(),
                    null,
                    parsed -> questions.add(ExactMatch.question(parsed.record()).orElse(null)));
            return fit(request, model, tokenizer, template, train, eval, questions, SFT_EVAL_METRIC, onStep);
        }
    }

    private Outcome dpo(TrainingRequest request, Consumer<StepMetrics> onStep) {
        Inference.disableGradientsOnThisThread();
        JobHyperparameters hp = request.hyperparameters();
        try (LlamaModel model = LlamaModel.load(request.baseModel());
                Tokenizer tokenizer = Tokenizer.load(request.baseModel())) {
            PromptTemplate template = PromptTemplates.forTokenizer(tokenizer, PromptTemplates.CHATML);
            TrainingData data = new TrainingData(tokenizer, template);
            int maxPrompt = Math.max(4, hp.maxLength() / 2);
            List<PreferenceExample> train = new ArrayList<>();
            List<PreferenceExample> eval = new ArrayList<>();
            forEachRecord(
                    request.train(),
                    DataFormat.PREFERENCE,
                    parsed ->
                            train.add(data.preference((PreferenceRecord) parsed.record(), hp.maxLength(), maxPrompt)));
            List<ExactMatch.Question> questions = new ArrayList<>();
            forEachRecord(request.eval(), DataFormat.PREFERENCE, parsed -> {
                eval.add(data.preference((PreferenceRecord) parsed.record(), hp.maxLength(), maxPrompt));
                questions.add(ExactMatch.question(parsed.record()).orElse(null));
            });
            return fit(request, model, tokenizer, template, train, eval, questions, DPO_EVAL_METRIC, onStep);
        }
    }

    /**
     * Runs the job's {@link FineTuneSpec} (the engine's one entry point, as the CLI and the benchmarks run theirs) and
     * measures the parent and the candidate.
     *
     * @param questions one entry per held-out record: its question for exact match, or null when it has none
     * @param recipeMetric the metric the policy compares when not every held-out record is verifiable
     */
    private <E> Outcome fit(
            TrainingRequest request,
            LlamaModel model,
            Tokenizer tokenizer,
            PromptTemplate template,
            List<E> train,
            List<E> eval,
            List<ExactMatch.Question> questions,
            String recipeMetric,
            Consumer<StepMetrics> onStep) {
        if (train.isEmpty() || eval.isEmpty()) {
            throw new InvalidJobException("the dataset version has " + train.size() + " usable training and "
                    + eval.size() + " usable eval records; both splits need at least one");
        }
        JobHyperparameters hp = request.hyperparameters();
        List<ExactMatch.Question> verifiable = hp.exactMatchMaxAnswerTokens() == 0
                ? List.of()
                : ExactMatch.verifiable(
                        questions.stream().filter(java.util.Objects::nonNull).toList(),
                        tokenizer,
                        hp.exactMatchMaxAnswerTokens());
        // Exact match decides only when it speaks for the whole split; otherwise it is reported beside the recipe's
        // metric.
        String evalMetric =
                !verifiable.isEmpty() && verifiable.size() == questions.size() ? EXACT_MATCH_METRIC : recipeMetric;
        FineTuneSpec spec = spec(request, verifiable, tokenizer, template);
        boolean byExactMatch = spec.evaluation().modelEvaluator() != null;
        FineTuning<E> tuning = FineTuning.of(spec, model, tokenizer.padTokenId().orElse(0));
        TrainingObjective<E> objective = tuning.objective();
        // The parent is measured before any adapter exists; for DPO the reference pass makes policy = reference.
        objective.prepare(model, eval);
        Map<String, Double> parent = withDerived(objective.evaluate(model, eval, hp.batchSize()));
        addExactMatch(parent, model, tokenizer, template, verifiable, hp);

        FineTuneResult result = tuning.setup().fit(train, eval, onStep, runOutput(request, spec), request.resumeFrom());
        Double startValue = byExactMatch ? result.startMetrics().get("exact_match") : null;
        if (byExactMatch && startValue == null && result.chosenStep() == 0 && !Double.isNaN(result.chosenValue())) {
            // A resumed run does not evaluate its start again; the checkpoint kept the start's value as the best.
            startValue = result.chosenValue();
        }
        Selection selection = new Selection(
                byExactMatch ? EXACT_MATCH_METRIC : "eval/loss",
                byExactMatch,
                result.chosenStep(),
                startValue,
                Double.isNaN(result.chosenValue()) ? null : result.chosenValue());

        Map<String, Double> candidate = withDerived(objective.evaluate(model, eval, hp.batchSize()));
        FineTuneResult.Outputs outputs =
                tuning.writeMerged(request.output(), request.baseModel()).outputs();
        if (!verifiable.isEmpty()) {
            // Asked of the merged checkpoint: exactly the model that will be registered and served.
            try (LlamaModel merged = LlamaModel.load(outputs.model())) {
                addExactMatch(candidate, merged, tokenizer, template, verifiable, hp);
            }
        }
        List<StepMetrics> history = result.history();
        return new Outcome(
                outputs.adapter(),
                outputs.model(),
                evalMetric,
                candidate,
                parent,
                // A run resumed from the checkpoint of its last step runs no step: it ran them all before.
                history.isEmpty()
                        ? hp.maxSteps()
                        : history.get(history.size() - 1).step(),
                train.size(),
                selection);
    }

    /**
     * The job's spec: its hyperparameters ({@link JobHyperparameters#spec}), checkpointing as requested, and for DPO
     * with verifiable held-out questions the selection by greedy exact match, the starting weights competing as step 0
     * (the engine's {@code bench-quality} recipe); the objective's metrics are still recorded at every evaluation.
     */
    static FineTuneSpec spec(
            TrainingRequest request,
            List<ExactMatch.Question> verifiable,
            Tokenizer tokenizer,
            PromptTemplate template) {
        JobHyperparameters hp = request.hyperparameters();
        FineTuneSpec spec = hp.spec(request.recipe()).withCheckpointEvery(request.checkpointEvery());
        if (request.recipe() != Recipe.DPO || verifiable.isEmpty()) {
            return spec;
        }
        return spec.withEvaluation(spec.evaluation()
                .withEvaluationAtStart(true)
                .selectingBy(
                        current -> Map.of(
                                "exact_match",
                                ExactMatch.accuracy(
                                        current, tokenizer, template, verifiable, hp.exactMatchMaxAnswerTokens())),
                        "exact_match"));
    }

    private static Path runDirectory(TrainingRequest request) {
        return request.output().resolve("run");
    }

    /**
     * The engine's run directory: {@code run.json} records what a checkpoint belongs to (the recipe and every
     * hyperparameter), copied beside each checkpoint; the engine refuses to resume a checkpoint of another seed.
     */
    private static RunOutput runOutput(TrainingRequest request, FineTuneSpec spec) {
        ObjectNode run = EventJson.mapper().createObjectNode();
        run.put("recipe", request.recipe().name().toLowerCase(java.util.Locale.ROOT));
        run.set("hyperparameters", EventJson.mapper().valueToTree(request.hyperparameters()));
        run.put("checkpoint_every", request.checkpointEvery());
        run.set("spec", spec.toJson());
        return new RunOutput(runDirectory(request), run, spec.checkpointEvery());
    }

    private static void addExactMatch(
            Map<String, Double> metrics,
            LlamaModel model,
            Tokenizer tokenizer,
            PromptTemplate template,
            List<ExactMatch.Question> verifiable,
            JobHyperparameters hp) {
        if (verifiable.isEmpty()) {
            return;
        }
        metrics.put(
                EXACT_MATCH_METRIC,
                ExactMatch.accuracy(model, tokenizer, template, verifiable, hp.exactMatchMaxAnswerTokens()));
        metrics.put(EXACT_MATCH_QUESTIONS, (double) verifiable.size());
    }

    /** The objective's metrics under {@code eval/}, with {@code eval/neg_loss} beside {@code eval/loss}. */
    private static Map<String, Double> withDerived(Map<String, Double> evaluated) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        evaluated.forEach((name, value) -> metrics.put("eval/" + name, value));
        Double loss = evaluated.get("loss");
        if (loss != null) {
            metrics.put(SFT_EVAL_METRIC, -loss);
        }
        return metrics;
    }

    private static List<TrainingExample> sftExamples(TrainingData data, Path file, int maxLength) {
        List<TrainingExample> examples = new ArrayList<>();
        forEachRecord(file, null, parsed -> {
            TrainingExample example = data.sft(parsed.record(), maxLength);
            if (example.learnedTokens() > 0) {
                examples.add(example);
            }
        });
        return examples;
    }

    private static void forEachRecord(Path file, DataFormat format, Consumer<ParsedRecord> action) {
        try (DatasetReader reader = DatasetReader.open(file, format)) {
            for (ParsedRecord parsed : reader) {
                action.accept(parsed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
