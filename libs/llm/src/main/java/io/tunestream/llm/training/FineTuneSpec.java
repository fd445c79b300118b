package io.tunestream.llm.training;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.lora.LoraConfig;
import io.tunestream.llm.quantization.QuantizationType;
import java.util.List;
import java.util.Objects;

/**
 * What one fine-tuning run trains and how: the recipe (objective), its DPO settings, the method (full or LoRA, over an
 * F32 or a quantized base), the optimisation, the evaluation that selects the result, and checkpointing. Every
 * training path of the platform (the {@code pretrain}, {@code sft} and {@code dpo} commands, {@code bench-train},
 * {@code bench-quality} and the training-service's jobs) builds one and hands it to {@link FineTuning}, so a recipe
 * tested in a benchmark is by construction the recipe a job runs.
 *
 * <p>Start from {@link #pretrain()}, {@link #sft()} or {@link #dpo()} (the named defaults below) and change what
 * differs with the {@code with...} methods.
 *
 * @param dpoSettings     the DPO objective's settings (used by {@link Recipe#DPO} only)
 * @param checkpointEvery write a resumable checkpoint every this many steps into the run directory; 0 for none
 */
public record FineTuneSpec(
        Recipe recipe,
        DpoSettings dpoSettings,
        Method method,
        Optimisation optimisation,
        Evaluation evaluation,
        int checkpointEvery) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Default of {@link #checkpointEvery}. */
    public static final int DEFAULT_CHECKPOINT_EVERY = 100;

    /** What the run optimises. */
    public enum Recipe {
        /** Causal-LM loss on every token of packed blocks. */
        PRETRAIN,
        /** Causal-LM loss on the assistant's tokens. */
        SFT,
        /** Direct preference optimisation against the starting model as the frozen reference. */
        DPO
    }

    public FineTuneSpec {
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(dpoSettings, "dpoSettings");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(optimisation, "optimisation");
        Objects.requireNonNull(evaluation, "evaluation");
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpointEvery must be 0 (none) or positive, got " + checkpointEvery);
        }
    }

    /** Continued pretraining or pretraining from scratch: full fine-tuning, learning rate 1e-3. */
    public static FineTuneSpec pretrain() {
        return of(Recipe.PRETRAIN).withMethod(Method.full());
    }

    /** Supervised fine-tuning with LoRA (r 8, alpha 16, dropout 0.05, every projection), learning rate 2e-4. */
    public static FineTuneSpec sft() {
        return of(Recipe.SFT);
    }

    /** DPO with LoRA, sigmoid loss, beta 0.1, learning rate 5e-5. */
    public static FineTuneSpec dpo() {
        return of(Recipe.DPO);
    }

    /** The named defaults for {@code recipe}: LoRA, {@link Optimisation#defaults()}, no evaluation. */
    public static FineTuneSpec of(Recipe recipe) {
        return new FineTuneSpec(
                recipe,
                DpoSettings.defaults(),
                Method.lora(),
                Optimisation.defaults(),
                Evaluation.none(),
                DEFAULT_CHECKPOINT_EVERY);
    }

    public FineTuneSpec withDpo(DpoSettings settings) {
        return new FineTuneSpec(recipe, settings, method, optimisation, evaluation, checkpointEvery);
    }

    public FineTuneSpec withMethod(Method trainingMethod) {
        return new FineTuneSpec(recipe, dpoSettings, trainingMethod, optimisation, evaluation, checkpointEvery);
    }

    public FineTuneSpec withOptimisation(Optimisation settings) {
        return new FineTuneSpec(recipe, dpoSettings, method, settings, evaluation, checkpointEvery);
    }

    public FineTuneSpec withEvaluation(Evaluation settings) {
        return new FineTuneSpec(recipe, dpoSettings, method, optimisation, settings, checkpointEvery);
    }

    public FineTuneSpec withCheckpointEvery(int steps) {
        return new FineTuneSpec(recipe, dpoSettings, method, optimisation, evaluation, steps);
    }

    /**
     * The peak learning rate: the optimisation's, or the recipe's default for the method: pretraining 1e-3, SFT 2e-4
     * with LoRA and 5e-5 full, DPO 5e-5 with LoRA and 5e-6 full.
     */
    public double learningRate() {
        if (optimisation.learningRate() != null) {
            return optimisation.learningRate();
        }
        return switch (recipe) {
            case PRETRAIN -> 1e-3;
            case SFT -> method.isFull() ? 5e-5 : 2e-4;
            case DPO -> method.isFull() ? 5e-6 : 5e-5;
        };
    }

    /** The spec as {@code run.json} records it (the model evaluator, a function, is left out). */
    public ObjectNode toJson() {
        return JSON.valueToTree(this);
    }

    /** The training loop's settings, every default resolved. */
    public TrainingSettings settings() {
        return optimisation.settings(learningRate());
    }

    /**
     * Full fine-tuning or LoRA adapters.
     *
     * @param loraConfig       the adapters' settings (its base model name is filled in when the adapter is written),
     *                         or null for full fine-tuning (every weight trains)
     * @param baseQuantization how the frozen base is stored under LoRA: {@code NONE} keeps F32; {@code INT8} or
     *                         {@code NF4} is QLoRA style
     */
    public record Method(LoraConfig loraConfig, QuantizationType baseQuantization) {

        public Method {
            Objects.requireNonNull(baseQuantization, "baseQuantization");
            if (loraConfig == null && baseQuantization != QuantizationType.NONE) {
                throw new IllegalArgumentException("a quantized base (" + baseQuantization + ") is frozen under LoRA"
                        + " adapters; it cannot be used with full fine-tuning");
            }
        }

        /** Every weight trains. */
        public static Method full() {
            return new Method(null, QuantizationType.NONE);
        }

        /** LoRA with {@link LoraConfig#defaults()} (r 8, alpha 16, dropout 0.05, every projection) over an F32 base. */
        public static Method lora() {
            return new Method(LoraConfig.defaults(), QuantizationType.NONE);
        }

        @JsonIgnore
        public boolean isFull() {
            return loraConfig == null;
        }

        public Method withLora(int rank, double alpha) {
            LoraConfig config = adapters();
            return new Method(
                    new LoraConfig(rank, alpha, config.dropout(), config.targetModules(), config.useRsLora(), null),
                    baseQuantization);
        }

        public Method withDropout(double dropout) {
            LoraConfig config = adapters();
            return new Method(
                    new LoraConfig(
                            config.r(), config.alpha(), dropout, config.targetModules(), config.useRsLora(), null),
                    baseQuantization);
        }

        /** @param targets short projection names, a subset of {@link LoraConfig#ALL_PROJECTIONS} */
        public Method withTargets(List<String> targets) {
            LoraConfig config = adapters();
            return new Method(
                    new LoraConfig(config.r(), config.alpha(), config.dropout(), targets, config.useRsLora(), null),
                    baseQuantization);
        }

        /** Rank-stabilised LoRA: the update scaled by alpha / sqrt(r). */
        public Method withRsLora(boolean rsLora) {
            LoraConfig config = adapters();
            return new Method(
                    new LoraConfig(config.r(), config.alpha(), config.dropout(), config.targetModules(), rsLora, null),
                    baseQuantization);
        }

        public Method withBaseQuantization(QuantizationType quantization) {
            return new Method(loraConfig, quantization);
        }

        private LoraConfig adapters() {
            if (loraConfig == null) {
                throw new IllegalStateException("full fine-tuning has no LoRA settings; start from Method.lora()");
            }
            return loraConfig;
        }
    }

    /**
     * The optimisation: AdamW (decoupled weight decay), linear warmup then the schedule's decay, global-norm clipping.
     *
     * @param batchSize            examples per micro-batch
     * @param gradientAccumulation micro-batches per optimizer step
     * @param learningRate         the peak learning rate, or null for the recipe's default ({@link #learningRate()})
     * @param warmupSteps          linear warmup, or null for a tenth of the steps, at most 10
     * @param minLearningRateRatio where cosine and linear decay end, as a share of the peak
     * @param maxGradNorm          global-norm clipping limit; 0 disables
     * @param seed                 the data order, the adapters' initialisation and dropout
     */
    public record Optimisation(
            int maxSteps,
            int batchSize,
            int gradientAccumulation,
            Double learningRate,
            Integer warmupSteps,
            LearningRateSchedule.Kind schedule,
            double minLearningRateRatio,
            double maxGradNorm,
            double weightDecay,
            long seed) {

        public static final int DEFAULT_MAX_STEPS = 100;
        public static final int DEFAULT_BATCH_SIZE = 8;
        public static final double DEFAULT_MIN_LEARNING_RATE_RATIO = 0.1;
        public static final double DEFAULT_MAX_GRAD_NORM = 1.0;
        public static final long DEFAULT_SEED = 42;

        public Optimisation {
            Objects.requireNonNull(schedule, "schedule");
            if (maxSteps < 1 || batchSize < 1 || gradientAccumulation < 1) {
                throw new IllegalArgumentException(
                        "max steps, batch size and gradient accumulation must be at least 1");
            }
            if ((learningRate != null && !(learningRate > 0))
                    || maxGradNorm < 0
                    || weightDecay < 0
                    || (warmupSteps != null && warmupSteps < 0)) {
                throw new IllegalArgumentException(
                        "learning rate must be positive; clipping, weight decay and warmup" + " must not be negative");
            }
        }

        /**
         * 100 steps of 8 examples, no accumulation, the recipe's learning rate, warmup a tenth of the steps (at most
         * 10), cosine decay to a tenth of the peak, clipping at norm 1.0, no weight decay, seed 42.
         */
        public static Optimisation defaults() {
            return new Optimisation(
                    DEFAULT_MAX_STEPS,
                    DEFAULT_BATCH_SIZE,
                    1,
                    null,
                    null,
                    LearningRateSchedule.Kind.COSINE,
                    DEFAULT_MIN_LEARNING_RATE_RATIO,
                    DEFAULT_MAX_GRAD_NORM,
                    0.0,
                    DEFAULT_SEED);
        }

        public Optimisation withMaxSteps(int steps) {
            return new Optimisation(
                    steps,
                    batchSize,
                    gradientAccumulation,
                    learningRate,
                    warmupSteps,
                    schedule,
                    minLearningRateRatio,
                    maxGradNorm,
                    weightDecay,
                    seed);
        }

        public Optimisation withBatch(int size, int accumulation) {
            return new Optimisation(
                    maxSteps,
                    size,
                    accumulation,
                    learningRate,
                    warmupSteps,
                    schedule,
                    minLearningRateRatio,
                    maxGradNorm,
                    weightDecay,
                    seed);
        }

        /** @param rate the peak learning rate, or null for the recipe's default */
        public Optimisation withLearningRate(Double rate) {
            return new Optimisation(
                    maxSteps,
                    batchSize,
                    gradientAccumulation,
                    rate,
                    warmupSteps,
                    schedule,
                    minLearningRateRatio,
                    maxGradNorm,
                    weightDecay,
                    seed);
        }

        /** @param steps linear warmup steps, or null for a tenth of the steps, at most 10 */
        public Optimisation withWarmupSteps(Integer steps) {
            return new Optimisation(
                    maxSteps,
                    batchSize,
                    gradientAccumulation,
                    learningRate,
                    steps,
                    schedule,
                    minLearningRateRatio,
                    maxGradNorm,
                    weightDecay,
                    seed);
        }

        public Optimisation withSchedule(LearningRateSchedule.Kind kind, double minRatio) {
            return new Optimisation(
                    maxSteps,
                    batchSize,
                    gradientAccumulation,
                    learningRate,
                    warmupSteps,
                    kind,
                    minRatio,
                    maxGradNorm,
                    weightDecay,
                    seed);
        }

        public Optimisation withMaxGradNorm(double norm) {
            return new Optimisation(
                    maxSteps,
                    batchSize,
                    gradientAccumulation,
                    learningRate,
                    warmupSteps,
                    schedule,
                    minLearningRateRatio,
                    norm,
                    weightDecay,
                    seed);
        }

        public Optimisation withWeightDecay(double decay) {
            return new Optimisation(
                    maxSteps,
                    batchSize,
                    gradientAccumulation,
                    learningRate,
                    warmupSteps,
                    schedule,
                    minLearningRateRatio,
                    maxGradNorm,
                    decay,
                    seed);
        }

        public Optimisation withSeed(long newSeed) {
            return new Optimisation(
                    maxSteps,
                    batchSize,
                    gradientAccumulation,
                    learningRate,
                    warmupSteps,
                    schedule,
                    minLearningRateRatio,
                    maxGradNorm,
                    weightDecay,
                    newSeed);
        }

        /** The warmup in steps: as set, or a tenth of the steps, at most 10. */
        public int warmup() {
            return warmupSteps != null ? warmupSteps : Math.min(10, maxSteps / 10);
        }

        TrainingSettings settings(double peakLearningRate) {
            return new TrainingSettings(
                    maxSteps,
                    batchSize,
                    gradientAccumulation,
                    peakLearningRate,
                    warmup(),
                    schedule,
                    minLearningRateRatio,
                    maxGradNorm,
                    weightDecay,
                    seed);
        }
    }

    /**
     * Evaluation during training and the selection of the result: every {@code every} steps (and after the last) the
     * objective is evaluated on the eval split, and the model evaluator, when there is one, on the whole model; the
     * checkpoint with the best {@code metric} is the result, not the last one.
     *
     * @param every           steps between evaluations; 0: no evaluation, the last step is the result
     * @param metric          the selection metric, without the {@code eval/} prefix: {@code loss},
     *                        {@code rewards/accuracies}, or the model evaluator's (e.g. {@code exact_match})
     * @param patience        evaluations without improvement before the run stops early; 0 never stops
     * @param evaluateAtStart the starting weights are evaluated too and compete as step 0: a run whose every step makes
     *                        the metric worse returns the model it started from
     * @param modelEvaluator  metrics that need the whole model, such as greedy exact match on held-out questions, or
     *                        null; not part of the recorded spec (a function, not a setting)
     */
    public record Evaluation(
            int every,
            String metric,
            boolean higherIsBetter,
            int patience,
            boolean evaluateAtStart,
            @JsonIgnore ModelEvaluator modelEvaluator) {

        public static final String DEFAULT_METRIC = "loss";
        public static final int DEFAULT_PATIENCE = 3;

        public Evaluation {
            if (every < 0 || patience < 0 || metric == null || metric.isBlank()) {
                throw new IllegalArgumentException(
                        "evaluation needs every >= 0 (0: none), patience >= 0 and a metric" + " name");
            }
            if (every == 0 && (modelEvaluator != null || evaluateAtStart)) {
                throw new IllegalArgumentException("a model evaluator or an evaluation at the start needs every >= 1");
            }
        }

        /** No evaluation: the last step is the result. */
        public static Evaluation none() {
            return new Evaluation(0, DEFAULT_METRIC, false, DEFAULT_PATIENCE, false, null);
        }

        /** Every {@code steps} steps; the lowest eval loss wins; stop after 3 evaluations without improvement. */
        public static Evaluation every(int steps) {
            return none().withEvery(steps);
        }

        public Evaluation withEvery(int steps) {
            return new Evaluation(steps, metric, higherIsBetter, patience, evaluateAtStart, modelEvaluator);
        }

        public Evaluation withMetric(String name, boolean higherWins) {
            return new Evaluation(every, name, higherWins, patience, evaluateAtStart, modelEvaluator);
        }

        public Evaluation withPatience(int evaluations) {
            return new Evaluation(every, metric, higherIsBetter, evaluations, evaluateAtStart, modelEvaluator);
        }

        public Evaluation withEvaluationAtStart(boolean atStart) {
            return new Evaluation(every, metric, higherIsBetter, patience, atStart, modelEvaluator);
        }

        /**
         * Selects by a metric of {@code evaluator} (higher is better, as for exact match), reported beside the
         * objective's metrics on the eval split.
         */
        public Evaluation selectingBy(ModelEvaluator evaluator, String evaluatorMetric) {
            return new Evaluation(
                    every,
                    evaluatorMetric,
                    true,
                    patience,
                    evaluateAtStart,
                    Objects.requireNonNull(evaluator, "evaluator"));
        }

        @JsonIgnore
        public boolean enabled() {
            return every > 0;
        }

        /** The loop's settings; the best checkpoint is always restored as the result. */
        EvaluationSettings settings() {
            return new EvaluationSettings(every, metric, higherIsBetter, patience, true, evaluateAtStart);
        }
    }
}
