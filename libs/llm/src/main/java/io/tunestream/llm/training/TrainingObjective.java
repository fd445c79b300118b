package io.tunestream.llm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.tunestream.llm.model.LlamaModel;
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
    default void prepare(LlamaModel model, List<E> examples) {
    }

    /** The loss of a micro-batch, built inside the caller's gradient collector, and its metrics. */
    StepLoss loss(LlamaModel model, List<E> batch, NDManager manager);

    /** Tokens the batch trains on (for tokens/s). */
    int tokens(List<E> batch);

    record StepLoss(NDArray loss, Map<String, Double> metrics) {
    }
}
