package io.tunestream.llm.training;

import java.util.Map;

/** What the loop reports after each optimizer step (for progress bars, metrics.jsonl and the services). */
public record StepMetrics(
        long step,
        long maxSteps,
        double loss,
        double learningRate,
        double gradNorm,
        double tokensPerSecond,
        double secondsLeft,
        Map<String, Double> metrics) {

    public StepMetrics {
        metrics = Map.copyOf(metrics);
    }
}
