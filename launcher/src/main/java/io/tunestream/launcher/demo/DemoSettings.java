package io.tunestream.launcher.demo;

/**
 * What a demo run does: the bootstrap's recipe and the loop's sizes.
 *
 * @param rounds candidates to decide
 * @param bootstrap the starting model's recipe
 * @param gatePerFamily questions per task family in the promotion gate's evaluation set
 * @param promptsPerFeed new prompts published per feed (one at the start, one after each rejected round)
 * @param samples sampled answers per prompt, besides the greedy one
 * @param temperature the sampled answers' temperature
 * @param trainingSteps DPO steps per round
 * @param learningRate DPO learning rate
 * @param evalEvery steps between the job's checkpoint evaluations (the best, the start included, is the candidate)
 * @param familyTolerance the most a task family may drop on the gate before a candidate is refused
 */
public record DemoSettings(
        int rounds,
        Bootstrap bootstrap,
        int gatePerFamily,
        int promptsPerFeed,
        int samples,
        double temperature,
        int trainingSteps,
        double learningRate,
        int evalEvery,
        double familyTolerance) {

    public static final long SEED = 42;

    /** A model trained briefly and one round (see the launcher README for what it measured). */
    public static DemoSettings quick() {
        return new DemoSettings(1, new Bootstrap(SEED, 400, 20, 100, 150), 30, 100, 2, 1.0, 120, 1e-3, 20, 0.1);
    }

    /** Three rounds from a model trained a little longer (not measured yet). */
    public static DemoSettings standard() {
        return new DemoSettings(3, new Bootstrap(SEED, 800, 20, 200, 300), 40, 150, 3, 1.0, 100, 1e-3, 20, 0.1);
    }

    public DemoSettings withRounds(int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        return new DemoSettings(
                rounds,
                bootstrap,
                gatePerFamily,
                promptsPerFeed,
                samples,
                temperature,
                trainingSteps,
                learningRate,
                evalEvery,
                familyTolerance);
    }
}
