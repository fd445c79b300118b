package io.tunestream.llm.cli;

import io.tunestream.llm.training.FineTuneSpec;
import io.tunestream.llm.training.LearningRateSchedule;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Flags shared by the training commands (pretrain, sft, dpo). */
final class TrainingOptions {

    @Option(names = "--data", required = true, description = "JSONL or JSON array of training records")
    Path data;

    @Option(
            names = "--out",
            required = true,
            description = "run directory: adapter/ or model/, metrics.jsonl, run.json, checkpoints/")
    Path out;

    @Option(names = "--max-steps", defaultValue = "100", description = "optimizer steps (default 100)")
    int maxSteps;

    @Option(names = "--batch-size", defaultValue = "8", description = "examples per micro-batch (default 8)")
    int batchSize;

    @Option(names = "--grad-accum", defaultValue = "1", description = "micro-batches per optimizer step")
    int gradientAccumulation;

    @Option(
            names = "--learning-rate",
            description = "peak learning rate (default 2e-4 with LoRA, 5e-5 full; pretrain 1e-3)")
    Double learningRate;

    @Option(names = "--warmup-steps", description = "linear warmup (default a tenth of the steps, at most 10)")
    Integer warmupSteps;

    @Option(names = "--schedule", defaultValue = "cosine", description = "cosine, linear or constant")
    String schedule;

    @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "global-norm clipping; 0 disables")
    double maxGradNorm;

    @Option(names = "--weight-decay", defaultValue = "0.0")
    double weightDecay;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--max-length", defaultValue = "512", description = "tokens per example")
    int maxLength;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "100",
            description = "write a resumable checkpoint every N steps (default 100; 0: none)")
    int checkpointEvery;

    @Option(names = "--resume", description = "a checkpoints/step-N directory of an earlier run to continue")
    Path resume;

    @Option(
            names = "--eval-every",
            defaultValue = "0",
            description = "evaluate on a held-out split every N steps; the best checkpoint is the result (0: off)")
    int evalEvery;

    @Option(
            names = "--eval-data",
            description =
                    "held-out records (same format as --data) for --eval-every, instead of --eval-fraction of --data")
    Path evalData;

    @Option(
            names = "--eval-fraction",
            defaultValue = "0.05",
            description = "share of the data held out for --eval-every")
    double evalFraction;

    @Option(names = "--eval-metric", defaultValue = "loss", description = "metric that picks the best checkpoint")
    String evalMetric;

    @Option(names = "--eval-higher-is-better", description = "the metric improves upwards (e.g. rewards/accuracies)")
    boolean evalHigherIsBetter;

    @Option(
            names = "--patience",
            defaultValue = "3",
            description = "evaluations without improvement before stopping; 0 never")
    int patience;

    @Option(
            names = "--eval-at-start",
            description = "also evaluate the starting model, which then competes for best: a run that only makes the"
                    + " metric worse returns the model it started from")
    boolean evalAtStart;

    /** The run these flags describe, for {@code recipe} trained by {@code method}. */
    FineTuneSpec spec(FineTuneSpec.Recipe recipe, FineTuneSpec.Method method) {
        FineTuneSpec.Optimisation optimisation = FineTuneSpec.Optimisation.defaults()
                .withMaxSteps(maxSteps)
                .withBatch(batchSize, gradientAccumulation)
                .withLearningRate(learningRate)
                .withWarmupSteps(warmupSteps)
                .withSchedule(
                        LearningRateSchedule.Kind.parse(schedule),
                        FineTuneSpec.Optimisation.DEFAULT_MIN_LEARNING_RATE_RATIO)
                .withMaxGradNorm(maxGradNorm)
                .withWeightDecay(weightDecay)
                .withSeed(seed);
        FineTuneSpec.Evaluation evaluation = evalEvery > 0
                ? FineTuneSpec.Evaluation.every(evalEvery)
                        .withMetric(evalMetric, evalHigherIsBetter)
                        .withPatience(patience)
                        .withEvaluationAtStart(evalAtStart)
                : FineTuneSpec.Evaluation.none();
        return FineTuneSpec.of(recipe)
                .withMethod(method)
                .withOptimisation(optimisation)
                .withEvaluation(evaluation)
                .withCheckpointEvery(checkpointEvery);
    }
}
