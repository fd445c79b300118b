package io.tunestream.llm.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
    private final List<NDArray> trainable;
    private final TrainingObjective<E> objective;
    private final TrainingSettings settings;

    public Trainer(LlamaModel model, List<NDArray> trainable, TrainingObjective<E> objective, TrainingSettings settings) {
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("nothing to train: no trainable arrays");
        }
        this.model = model;
        this.trainable = List.copyOf(trainable);
        this.objective = objective;
        this.settings = settings;
    }

    /** Trains for {@code maxSteps} optimizer steps and returns each step's metrics. */
    public List<StepMetrics> fit(List<E> examples, Consumer<StepMetrics> listener) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        Inference.disableGradientsOnThisThread();
        objective.prepare(model, examples);
        trainable.forEach(array -> array.setRequiresGradient(true));
        LearningRateSchedule schedule = settings.learningRateSchedule();
        List<StepMetrics> history = new ArrayList<>();
        Random order = new Random(settings.seed());
        List<E> epoch = new ArrayList<>();
        long started = System.nanoTime();
        long tokens = 0;
        try (AdamW optimizer = new AdamW(trainable, model.manager(), 0.9, 0.999, 1e-8, settings.weightDecay())) {
            for (long step = 0; step < settings.maxSteps(); step++) {
                double lossSum = 0;
                Map<String, Double> metricSums = new LinkedHashMap<>();
                for (int micro = 0; micro < settings.gradientAccumulation(); micro++) {
                    List<E> batch = nextBatch(examples, epoch, order);
                    tokens += objective.tokens(batch);
                    TrainingObjective.StepLoss stepLoss = backward(batch);
                    lossSum += stepLoss.metrics().getOrDefault("loss", 0.0);
                    stepLoss.metrics().forEach((name, value) -> metricSums.merge(name, value, Double::sum));
                }
                double rate = schedule.rate(step);
                double norm;
                try (NDScope scope = new NDScope()) {
                    List<NDArray> gradients = trainable.stream().map(NDArray::getGradient).toList();
                    norm = GradientClipping.clipGlobalNorm(gradients, settings.maxGradNorm());
                    optimizer.step(gradients, rate);
                    gradients.forEach(gradient -> gradient.subi(gradient));
                    scope.suppressNotUsedWarning();
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                Map<String, Double> metrics = new LinkedHashMap<>();
                metricSums.forEach((name, sum) -> metrics.put(name, sum / settings.gradientAccumulation()));
                StepMetrics stepMetrics = new StepMetrics(step + 1, settings.maxSteps(),
                        lossSum / settings.gradientAccumulation(), rate, norm, tokens / seconds,
                        seconds / (step + 1) * (settings.maxSteps() - step - 1), metrics);
                history.add(stepMetrics);
                listener.accept(stepMetrics);
            }
        } finally {
            trainable.forEach(array -> array.setRequiresGradient(false));
        }
        return history;
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
    private List<E> nextBatch(List<E> examples, List<E> epoch, Random order) {
        List<E> batch = new ArrayList<>();
        while (batch.size() < settings.batchSize()) {
            if (epoch.isEmpty()) {
                epoch.addAll(examples);
                Collections.shuffle(epoch, order);
            }
            batch.add(epoch.remove(epoch.size() - 1));
        }
        return batch;
    }
}
