package io.tunestream.llm.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import java.util.Comparator;

/**
 * One training loop for every objective: micro-batches, gradient accumulation, global-norm clipping, AdamW with a
 * warmup-then-decay schedule, a seeded data order. Only the given trainable arrays receive gradients and change.
 *
 * <p>The engine's gradient recorder is process-global, so one loop runs at a time per JVM; each step's arrays live
 * in a scope that closes with the step, which keeps memory flat over long runs.
 *
 * @param <E> the objective's example type
 */
public final class Trainer<E> {

    private final LlamaModel model;
    private final Map<String, NDArray> trainable;
    private final TrainingObjective<E> objective;
    private final TrainingSettings settings;
    private List<E> evalExamples = List.of();
    private ModelEvaluator modelEvaluator;
    private EvaluationSettings evaluation;
    private Map<String, Double> startMetrics = Map.of();
    private Consumer<Boolean> trainingMode = training -> { };
    private long bestStep;
    private double bestValue = Double.NaN;
    private boolean stoppedEarly;

    /** @param trainable the arrays that learn, by name (the names key checkpoints); everything else stays frozen */
    public Trainer(LlamaModel model, Map<String, NDArray> trainable, TrainingObjective<E> objective,
            TrainingSettings settings) {
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("nothing to train: no trainable arrays");
        }
        this.model = model;
        this.trainable = Collections.unmodifiableMap(new LinkedHashMap<>(trainable));
        this.objective = objective;
        this.settings = settings;
    }

    /** Evaluates on {@code examples} during training, for early stopping and best-checkpoint selection. */
    public Trainer<E> evaluateOn(List<E> examples, EvaluationSettings settings) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("evaluation needs at least one example");
        }
        this.evalExamples = List.copyOf(examples);
        this.evaluation = settings;
        return this;
    }

    /**
     * Evaluates the model with {@code evaluator} during training, beside the objective's metrics on the examples of
     * {@link #evaluateOn} when there are any: how generated answers, not only losses, select the best checkpoint.
     */
    public Trainer<E> evaluateWith(ModelEvaluator evaluator, EvaluationSettings settings) {
        this.modelEvaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.evaluation = Objects.requireNonNull(settings, "settings");
        return this;
    }

    /**
     * Called with false before work that must be deterministic (the reference pass, evaluation) and with true before
     * training steps: how adapter dropout is switched off and on.
     */
    public Trainer<E> onTrainingModeChange(Consumer<Boolean> hook) {
        this.trainingMode = hook;
        return this;
    }

    /** The step of the best evaluation (0 when there was none). */
    public long bestStep() {
        return bestStep;
    }

    /** The best value of the evaluation metric, or NaN. */
    public double bestValue() {
        return bestValue;
    }

    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    /** The evaluation of the starting weights (step 0) when the settings ask for one, else empty. */
    public Map<String, Double> startMetrics() {
        return startMetrics;
    }

    /** Trains for {@code maxSteps} optimizer steps and returns each step's metrics. */
    public List<StepMetrics> fit(List<E> examples, Consumer<StepMetrics> listener) {
        return fit(examples, listener, null, null);
    }

    /**
     * Trains, writing {@code metrics.jsonl} and {@code run.json} into {@code output} and a resumable checkpoint into
     * {@code output/checkpoints/step-N/} every {@code checkpointEvery} steps; with {@code resumeFrom}, continues a run
     * from one of those checkpoints on the same data, following the uninterrupted run's loss curve.
     *
     * @param output     run directory, or null for none
     * @param resumeFrom a {@code checkpoints/step-N} directory, or null to start fresh
     */
    public List<StepMetrics> fit(List<E> examples, Consumer<StepMetrics> listener, RunOutput output, Path resumeFrom) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        Inference.disableGradientsOnThisThread();
        trainingMode.accept(false);
        List<E> prepared = new ArrayList<>(examples);
        prepared.addAll(evalExamples);
        objective.prepare(model, prepared);
        trainingMode.accept(true);
        Map<String, float[]> best = null;
        int evaluationsWithoutImprovement = 0;
        trainable.values().forEach(array -> array.setRequiresGradient(true));
        LearningRateSchedule schedule = settings.learningRateSchedule();
        List<StepMetrics> history = new ArrayList<>();
        Random order = new Random(settings.seed());
        List<E> epoch = new ArrayList<>();
        long started = System.nanoTime();
        long tokens = 0;
        long[] drawn = {0};
        List<NDArray> arrays = new ArrayList<>(trainable.values());
        try (AdamW optimizer = new AdamW(arrays, model.manager(), 0.9, 0.999, 1e-8, settings.weightDecay())) {
            long firstStep = 0;
            if (resumeFrom != null) {
                TrainingCheckpoint.State state = TrainingCheckpoint.restore(resumeFrom, trainable, optimizer);
                if (state.seed() != settings.seed()) {
                    throw new IllegalArgumentException(resumeFrom + " was written by a run with seed " + state.seed()
                            + ", this run's seed is " + settings.seed());
                }
                // Replaying the seeded order puts the data position exactly where the checkpoint left it.
                for (long i = 0; i < state.examplesDrawn(); i++) {
                    draw(examples, epoch, order, drawn);
                }
                firstStep = state.step();
                bestStep = state.bestStep();
                bestValue = state.bestValue();
                evaluationsWithoutImprovement = state.evaluationsWithoutImprovement();
                best = state.best();
                if (output != null) {
                    output.truncateMetricsAfter(firstStep);
                }
            }
            if (evaluation != null && evaluation.evaluateAtStart() && resumeFrom == null) {
                startMetrics = evaluateNow();
                bestValue = selectionValue(startMetrics);
                bestStep = 0;
                if (evaluation.restoreBest()) {
                    best = snapshot();
                }
            }
            for (long step = firstStep; step < settings.maxSteps(); step++) {
                double lossSum = 0;
                Map<String, Double> metricSums = new LinkedHashMap<>();
                // Dropout masks depend on (seed, step) only, so a resumed run draws the same ones.
                Engine.getInstance().setRandomSeed((int) (settings.seed() * 1_000_003L + step));
                for (int micro = 0; micro < settings.gradientAccumulation(); micro++) {
                    List<E> batch = nextBatch(examples, epoch, order, drawn);
                    tokens += objective.tokens(batch);
                    TrainingObjective.StepLoss stepLoss = backward(batch);
                    lossSum += stepLoss.metrics().getOrDefault("loss", 0.0);
                    stepLoss.metrics().forEach((name, value) -> metricSums.merge(name, value, Double::sum));
                }
                double rate = schedule.rate(step);
                double norm;
                try (NDScope scope = new NDScope()) {
                    List<NDArray> gradients = arrays.stream().map(NDArray::getGradient).toList();
                    norm = GradientClipping.clipGlobalNorm(gradients, settings.maxGradNorm());
                    if (!Double.isFinite(norm)) {
                        throw new IllegalStateException("step " + (step + 1) + ": the gradient norm is " + norm
                                + " (loss " + lossSum / settings.gradientAccumulation() + "); lower the learning rate"
                                + " or check the data; the weights were not updated");
                    }
                    optimizer.step(gradients, rate);
                    gradients.forEach(gradient -> gradient.subi(gradient));
                    scope.suppressNotUsedWarning();
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                Map<String, Double> metrics = new LinkedHashMap<>();
                metricSums.forEach((name, sum) -> metrics.put(name, sum / settings.gradientAccumulation()));
                boolean lastStep = step + 1 == settings.maxSteps();
                if (evaluation != null && ((step + 1) % evaluation.every() == 0 || lastStep)) {
                    Map<String, Double> evaluated = evaluateNow();
                    evaluated.forEach((name, value) -> metrics.put("eval/" + name, value));
                    double value = selectionValue(evaluated);
                    boolean improved = Double.isNaN(bestValue)
                            || (evaluation.higherIsBetter() ? value > bestValue : value < bestValue);
                    if (improved) {
                        bestValue = value;
                        bestStep = step + 1;
                        evaluationsWithoutImprovement = 0;
                        if (evaluation.restoreBest()) {
                            best = snapshot();
                        }
                    } else {
                        evaluationsWithoutImprovement++;
                    }
                }
                StepMetrics stepMetrics = new StepMetrics(step + 1, settings.maxSteps(),
                        lossSum / settings.gradientAccumulation(), rate, norm, tokens / seconds,
                        seconds / (step + 1) * (settings.maxSteps() - step - 1), metrics);
                history.add(stepMetrics);
                if (output != null) {
                    output.appendMetrics(stepMetrics);
                    if (output.checkpointEvery() > 0 && (step + 1) % output.checkpointEvery() == 0) {
                        TrainingCheckpoint.write(output.checkpoints(), trainable, optimizer,
                                new TrainingCheckpoint.State(step + 1, drawn[0], settings.seed(), bestStep, bestValue,
                                        evaluationsWithoutImprovement, best), output.run());
                    }
                }
                listener.accept(stepMetrics);
                if (evaluation != null && evaluation.patience() > 0
                        && evaluationsWithoutImprovement >= evaluation.patience()) {
                    stoppedEarly = true;
                    break;
                }
            }
            if (best != null && !history.isEmpty() && bestStep != history.get(history.size() - 1).step()) {
                // The best checkpoint, not the last, is the result.
                best.forEach((name, values) -> trainable.get(name).set(values));
            }
        } finally {
            trainingMode.accept(false);
            trainable.values().forEach(array -> array.setRequiresGradient(false));
        }
        return history;
    }

    /** The objective's metrics on the eval examples and the model evaluator's, without gradients or dropout. */
    private Map<String, Double> evaluateNow() {
        trainingMode.accept(false);
        try {
            Map<String, Double> evaluated = new LinkedHashMap<>();
            if (!evalExamples.isEmpty()) {
                evaluated.putAll(objective.evaluate(model, evalExamples, settings.batchSize()));
            }
            if (modelEvaluator != null) {
                evaluated.putAll(modelEvaluator.evaluate(model));
            }
            return evaluated;
        } finally {
            trainingMode.accept(true);
        }
    }

    private double selectionValue(Map<String, Double> evaluated) {
        Double value = evaluated.get(evaluation.metric());
        if (value == null) {
            throw new IllegalArgumentException("the evaluation reports no metric \"" + evaluation.metric()
                    + "\" (it reports " + evaluated.keySet() + ")");
        }
        return value;
    }

    private Map<String, float[]> snapshot() {
        Map<String, float[]> values = new LinkedHashMap<>();
        trainable.forEach((name, array) -> values.put(name, array.toFloatArray()));
        return values;
    }

    private TrainingObjective.StepLoss backward(List<E> batch) {
        try (NDScope scope = new NDScope();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            TrainingObjective.StepLoss stepLoss = objective.loss(model, batch, model.manager());
            NDArray loss = stepLoss.loss();
            if (settings.gradientAccumulation() > 1) {
                loss = loss.div(model.manager().create((float) settings.gradientAccumulation()));
            }
            collector.backward(loss);
            scope.suppressNotUsedWarning();
            return stepLoss;
        }
    }

    /** The next micro-batch of a shuffled pass over the data; a new shuffle each epoch. */
    private List<E> nextBatch(List<E> examples, List<E> epoch, Random order, long[] drawn) {
        List<E> batch = new ArrayList<>();
        while (batch.size() < settings.batchSize()) {
            batch.add(draw(examples, epoch, order, drawn));
        }
        return batch;
    }

    private E draw(List<E> examples, List<E> epoch, Random order, long[] drawn) {
        if (epoch.isEmpty()) {
            epoch.addAll(bucketedEpoch(examples, order));
        }
        drawn[0]++;
        return epoch.remove(epoch.size() - 1);
    }

    /** Examples per window sorted by length: large enough to find neighbours, small enough to stay shuffled. */
    static final int BUCKET_BATCHES = 32;

    /**
     * One pass over the data in a seeded order, with batches bucketed by length: shuffle, sort windows of
     * {@value #BUCKET_BATCHES} batches by length so that each batch holds similar lengths (less padding), then shuffle
     * the batches. The result is consumed from the end.
     */
    List<E> bucketedEpoch(List<E> examples, Random order) {
        List<E> shuffled = new ArrayList<>(examples);
        Collections.shuffle(shuffled, order);
        int batch = settings.batchSize();
        int window = batch * BUCKET_BATCHES;
        List<List<E>> batches = new ArrayList<>();
        for (int start = 0; start < shuffled.size(); start += window) {
            List<E> part = new ArrayList<>(shuffled.subList(start, Math.min(shuffled.size(), start + window)));
            part.sort(Comparator.comparingInt(example -> objective.tokens(List.of(example))));
            for (int from = 0; from < part.size(); from += batch) {
                batches.add(part.subList(from, Math.min(part.size(), from + batch)));
            }
        }
        Collections.shuffle(batches, order);
        List<E> epoch = new ArrayList<>(shuffled.size());
        for (int i = batches.size() - 1; i >= 0; i--) {
            List<E> reversed = new ArrayList<>(batches.get(i));
            Collections.reverse(reversed);
            epoch.addAll(reversed);
        }
        return epoch;
    }
}
