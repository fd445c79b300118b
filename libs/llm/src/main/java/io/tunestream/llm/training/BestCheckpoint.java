package io.tunestream.llm.training;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The best evaluation of a run so far: its step, its value of the selection metric, a copy of the trainable weights
 * then (when the settings restore the best), and how many evaluations since have not improved on it, which is what
 * early stopping counts. A checkpoint records all of it, so a resumed run selects as the uninterrupted one would.
 */
final class BestCheckpoint {

    private final EvaluationSettings settings;
    private final Map<String, NDArray> trainable;
    private long step;
    private double value = Double.NaN;
    private int evaluationsWithoutImprovement;
    private Map<String, float[]> weights;

    /** @param settings null when the run does not evaluate: nothing is ever offered */
    BestCheckpoint(EvaluationSettings settings, Map<String, NDArray> trainable) {
        this.settings = settings;
        this.trainable = trainable;
    }

    /** Continues from a checkpoint's record of the best so far. */
    void restore(TrainingCheckpoint.State state) {
        step = state.bestStep();
        value = state.bestValue();
        evaluationsWithoutImprovement = state.evaluationsWithoutImprovement();
        weights = state.best();
    }

    /** The starting weights' evaluation, which competes as step 0. */
    void start(Map<String, Double> evaluated) {
        value = selectionValue(evaluated);
        step = 0;
        if (settings.restoreBest()) {
            weights = snapshot();
        }
    }

    /** Records the evaluation after {@code evaluatedStep}; a better value becomes the best, with its weights. */
    void offer(long evaluatedStep, Map<String, Double> evaluated) {
        double candidate = selectionValue(evaluated);
        boolean improved = Double.isNaN(value) || (settings.higherIsBetter() ? candidate > value : candidate < value);
        if (improved) {
            value = candidate;
            step = evaluatedStep;
            evaluationsWithoutImprovement = 0;
            if (settings.restoreBest()) {
                weights = snapshot();
            }
        } else {
            evaluationsWithoutImprovement++;
        }
    }

    /** Whether {@code patience} evaluations in a row did not improve (never with patience 0). */
    boolean patienceExhausted() {
        return settings != null && settings.patience() > 0 && evaluationsWithoutImprovement >= settings.patience();
    }

    /** Puts the best weights back when they are not the ones the run ended with: the best, not the last, is the result. */
    void restoreUnlessLast(long lastStep) {
        if (weights != null && step != lastStep) {
            weights.forEach((name, values) -> trainable.get(name).set(values));
        }
    }

    /** What a checkpoint written after {@code atStep} records. */
    TrainingCheckpoint.State state(long atStep, long examplesDrawn, long seed) {
        return new TrainingCheckpoint.State(
                atStep, examplesDrawn, seed, step, value, evaluationsWithoutImprovement, weights);
    }

    /** The step of the best evaluation (0 when there was none, or when the start won). */
    long step() {
        return step;
    }

    /** The best value of the selection metric, or NaN. */
    double value() {
        return value;
    }

    private double selectionValue(Map<String, Double> evaluated) {
        Double selected = evaluated.get(settings.metric());
        if (selected == null) {
            throw new IllegalArgumentException("the evaluation reports no metric \"" + settings.metric()
                    + "\" (it reports " + evaluated.keySet() + ")");
        }
        return selected;
    }

    private Map<String, float[]> snapshot() {
        Map<String, float[]> values = new LinkedHashMap<>();
        trainable.forEach((name, array) -> values.put(name, array.toFloatArray()));
        return values;
    }
}
