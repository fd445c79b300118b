package io.tunestream.llm.training;

/**
 * Evaluation during training: every {@code every} steps the objective is evaluated on the eval split; the best value
 * of {@code metric} marks the best checkpoint, which is the run's result when {@code restoreBest} (DPO in particular
 * degrades when trained too long); after {@code patience} evaluations without improvement the run stops early
 * (0 never stops).
 *
 * @param metric          an evaluation metric name without the {@code eval/} prefix, e.g. {@code loss} or
 *                        {@code rewards/accuracies}
 * @param evaluateAtStart also evaluate the starting weights (step 0), which then compete for best: a run whose every
 *                        step makes the metric worse returns the model it started from
 */
public record EvaluationSettings(
        int every, String metric, boolean higherIsBetter, int patience, boolean restoreBest, boolean evaluateAtStart) {

    public EvaluationSettings {
        if (every < 1 || patience < 0 || metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("evaluation needs every >= 1, patience >= 0 and a metric name");
        }
    }

    /** Evaluation during training only, from the first {@code every} steps on. */
    public EvaluationSettings(int every, String metric, boolean higherIsBetter, int patience, boolean restoreBest) {
        this(every, metric, higherIsBetter, patience, restoreBest, false);
    }
}
