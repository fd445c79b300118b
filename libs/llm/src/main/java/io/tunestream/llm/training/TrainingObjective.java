package io.tunestream.llm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.tunestream.llm.model.LlamaModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one training loop optimises: continued pretraining and SFT ({@link CausalLmObjective}) and DPO
 * ({@link DpoObjective}) are strategies of the same loop rather than copies of it.
 *
 * @param <E> the example type
 */
public interface TrainingObjective<E> {

    /** Work done once before training, without gradients (DPO computes the frozen reference's log-probabilities). */
    default void prepare(LlamaModel model, List<E> examples) {}

    /** The loss of a micro-batch, built inside the caller's gradient collector, and its metrics. */
    StepLoss loss(LlamaModel model, List<E> batch, NDManager manager);

    /** Tokens the batch trains on (for tokens/s). */
    int tokens(List<E> batch);

    /**
     * Metrics on held-out examples, without gradients: the mean of each micro-batch metric over batches of
     * {@code batchSize}, weighted by batch size.
     */
    default Map<String, Double> evaluate(LlamaModel model, List<E> examples, int batchSize) {
        Map<String, Double> sums = new LinkedHashMap<>();
        for (int start = 0; start < examples.size(); start += batchSize) {
            List<E> batch = examples.subList(start, Math.min(examples.size(), start + batchSize));
            try (NDScope scope = new NDScope()) {
                loss(model, batch, model.manager())
                        .metrics()
                        .forEach((name, value) -> sums.merge(name, value * batch.size(), Double::sum));
                scope.suppressNotUsedWarning();
            }
        }
        Map<String, Double> means = new LinkedHashMap<>();
        sums.forEach((name, sum) -> means.put(name, sum / examples.size()));
        return means;
    }

    record StepLoss(NDArray loss, Map<String, Double> metrics) {}
}
