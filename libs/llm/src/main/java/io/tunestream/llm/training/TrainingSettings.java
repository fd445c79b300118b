package io.tunestream.llm.training;

/**
 * The loop's hyperparameters.
 *
 * @param batchSize            examples per micro-batch
 * @param gradientAccumulation micro-batches per optimizer step
 * @param maxGradNorm          global-norm clipping limit; 0 disables
 */
public record TrainingSettings(int maxSteps, int batchSize, int gradientAccumulation, double learningRate,
        int warmupSteps, LearningRateSchedule.Kind schedule, double minLearningRateRatio, double maxGradNorm,
        double weightDecay, long seed) {

    public TrainingSettings {
        if (maxSteps < 1 || batchSize < 1 || gradientAccumulation < 1) {
            throw new IllegalArgumentException("max steps, batch size and gradient accumulation must be at least 1");
        }
        if (!(learningRate > 0) || maxGradNorm < 0 || weightDecay < 0 || warmupSteps < 0) {
            throw new IllegalArgumentException("learning rate must be positive; clipping, weight decay and warmup"
                    + " must not be negative");
        }
    }

    /** Defaults in the range that works for LoRA on small models. */
    public static TrainingSettings defaults(int maxSteps) {
        return new TrainingSettings(maxSteps, 8, 1, 2e-4, Math.min(10, maxSteps / 10), LearningRateSchedule.Kind.COSINE,
                0.1, 1.0, 0.0, 42);
    }

    public TrainingSettings withLearningRate(double rate) {
        return new TrainingSettings(maxSteps, batchSize, gradientAccumulation, rate, warmupSteps, schedule,
                minLearningRateRatio, maxGradNorm, weightDecay, seed);
    }

    public TrainingSettings withBatch(int size, int accumulation) {
        return new TrainingSettings(maxSteps, size, accumulation, learningRate, warmupSteps, schedule,
                minLearningRateRatio, maxGradNorm, weightDecay, seed);
    }

    LearningRateSchedule learningRateSchedule() {
        return new LearningRateSchedule(schedule, learningRate, warmupSteps, maxSteps, minLearningRateRatio);
    }
}
