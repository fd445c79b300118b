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
import java.util.function.Consumer;

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
    private Consumer<Boolean> trainingMode = training -> {};
    private final LearningRateSchedule schedule;
    private BestCheckpoint best;
    private boolean stoppedEarly;

    /** @param trainable the arrays that learn, by name (the names key checkpoints); everything else stays frozen */
    public Trainer(
            LlamaModel model,
            Map<String, NDArray> trainable,
            TrainingObjective<E> objective,
            TrainingSettings settings) {
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("nothing to train: no trainable arrays");
        }
        this.model = model;
        this.trainable = Collections.unmodifiableMap(new LinkedHashMap<>(trainable));
        this.objective = objective;
        this.settings = settings;
        this.schedule = settings.learningRateSchedule();
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
        return best == null ? 0 : best.step();
    }

    /** The best value of the evaluation metric, or NaN. */
    public double bestValue() {
        return best == null ? Double.NaN : best.value();
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
        DataOrder<E> order = dataOrder(examples);
        Inference.disableGradientsOnThisThread();
        trainingMode.accept(false);
        List<E> prepared = new ArrayList<>(examples);
        prepared.addAll(evalExamples);
        objective.prepare(model, prepared);
        trainingMode.accept(true);
        best = new BestCheckpoint(evaluation, trainable);
        trainable.values().forEach(array -> array.setRequiresGradient(true));
        List<StepMetrics> history = new ArrayList<>();
        List<NDArray> arrays = new ArrayList<>(trainable.values());
        long started = System.nanoTime();
        long tokens = 0;
        try (AdamW optimizer = new AdamW(arrays, model.manager(), 0.9, 0.999, 1e-8, settings.weightDecay())) {
            long firstStep = 0;
            if (resumeFrom != null) {
                TrainingCheckpoint.State state = TrainingCheckpoint.restore(resumeFrom, trainable, optimizer);
                if (state.seed() != settings.seed()) {
                    throw new IllegalArgumentException(resumeFrom + " was written by a run with seed " + state.seed()
                            + ", this run's seed is " + settings.seed());
                }
                order.skip(state.examplesDrawn());
                firstStep = state.step();
                best.restore(state);
                if (output != null) {
                    output.truncateMetricsAfter(firstStep);
                }
            } else if (evaluation != null && evaluation.evaluateAtStart()) {
                startMetrics = evaluateNow();
                best.start(startMetrics);
            }
            for (long step = firstStep; step < settings.maxSteps(); step++) {
                List<List<E>> microBatches = new ArrayList<>();
                for (int micro = 0; micro < settings.gradientAccumulation(); micro++) {
                    microBatches.add(order.nextBatch());
                    tokens += objective.tokens(microBatches.get(micro));
                }
                StepMetrics stepMetrics = step(step, microBatches, optimizer, arrays, tokens, started);
                history.add(stepMetrics);
                if (output != null) {
                    output.appendMetrics(stepMetrics);
                    if (output.checkpointEvery() > 0 && (step + 1) % output.checkpointEvery() == 0) {
                        TrainingCheckpoint.write(
                                output.checkpoints(),
                                trainable,
                                optimizer,
                                best.state(step + 1, order.drawn(), settings.seed()),
                                output.run());
                    }
                }
                listener.accept(stepMetrics);
                if (best.patienceExhausted()) {
                    stoppedEarly = true;
                    break;
                }
            }
            if (!history.isEmpty()) {
                best.restoreUnlessLast(history.get(history.size() - 1).step());
            }
        } finally {
            trainingMode.accept(false);
            trainable.values().forEach(array -> array.setRequiresGradient(false));
        }
        return history;
    }

    /**
     * One optimizer step (index {@code step}, counted from 0) over its micro-batches: gradients, clipping, the AdamW
     * update, and the evaluation when one is due.
     */
    private StepMetrics step(
            long step, List<List<E>> microBatches, AdamW optimizer, List<NDArray> arrays, long tokens, long started) {
        double lossSum = 0;
        Map<String, Double> metricSums = new LinkedHashMap<>();
        // Dropout masks depend on (seed, step) only, so a resumed run draws the same ones.
        Engine.getInstance().setRandomSeed((int) (settings.seed() * 1_000_003L + step));
        for (List<E> batch : microBatches) {
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
            best.offer(step + 1, evaluated);
        }
        return new StepMetrics(
                step + 1,
                settings.maxSteps(),
                lossSum / settings.gradientAccumulation(),
                rate,
                norm,
                tokens / seconds,
                seconds / (step + 1) * (settings.maxSteps() - step - 1),
                metrics);
    }

    /** The seeded order of a run over {@code examples}, batches bucketed by the objective's token count. */
    DataOrder<E> dataOrder(List<E> examples) {
        return new DataOrder<>(
                examples, settings.batchSize(), settings.seed(), example -> objective.tokens(List.of(example)));
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
}
