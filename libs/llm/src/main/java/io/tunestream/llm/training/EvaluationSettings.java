package io.tunestream.llm.training;

/**
 * Evaluation during training: every {@code every} steps the objective is evaluated on the eval split; the best value
 * of {@code metric} marks the best checkpoint, which is the run's result when {@code restoreBest} (DPO in particular
 * degrades when trained too long); after {@code patience} evaluations without improvement the run stops early
 * (0 never stops).
 *
 * @param metric an evaluation metric name without the {@code eval/} prefix, e.g. {@code loss} or
 *               {@code rewards/accuracies}
 */
public record EvaluationSettings(int every, String metric, boolean higherIsBetter, int patience, boolean restoreBest) {

    public EvaluationSettings {
        if (every < 1 || patience < 0 || metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("evaluation needs every >= 1, patience >= 0 and a metric name");
        }
    }

    /** Lowest eval loss wins, stop after 3 evaluations without improvement. */
    public static EvaluationSettings lowestLoss(int every) {
        return new EvaluationSettings(every, "loss", false, 3, true);
    }
}
