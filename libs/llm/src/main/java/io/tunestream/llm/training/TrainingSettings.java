package io.tunestream.llm.training;

/**
 * The loop's hyperparameters, every value resolved: what {@link FineTuneSpec#settings()} hands to the {@link Trainer}
 * (the named defaults live in {@link FineTuneSpec.Optimisation}).
 *
 * @param batchSize            examples per micro-batch
 * @param gradientAccumulation micro-batches per optimizer step
 * @param maxGradNorm          global-norm clipping limit; 0 disables
 */
public record TrainingSettings(
        int maxSteps,
        int batchSize,
        int gradientAccumulation,
        double learningRate,
        int warmupSteps,
        LearningRateSchedule.Kind schedule,
        double minLearningRateRatio,
        double maxGradNorm,
        double weightDecay,
        long seed) {

    public TrainingSettings {
        if (maxSteps < 1 || batchSize < 1 || gradientAccumulation < 1) {
            throw new IllegalArgumentException("max steps, batch size and gradient accumulation must be at least 1");
        }
        if (!(learningRate > 0) || maxGradNorm < 0 || weightDecay < 0 || warmupSteps < 0) {
            throw new IllegalArgumentException(
                    "learning rate must be positive; clipping, weight decay and warmup" + " must not be negative");
        }
    }

    public TrainingSettings withBatch(int size, int accumulation) {
        return new TrainingSettings(
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

    LearningRateSchedule learningRateSchedule() {
        return new LearningRateSchedule(schedule, learningRate, warmupSteps, maxSteps, minLearningRateRatio);
    }
}
