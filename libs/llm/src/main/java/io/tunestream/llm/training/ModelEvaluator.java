package io.tunestream.llm.training;

import io.tunestream.llm.model.LlamaModel;
import java.util.Map;

/**
 * An evaluation that needs the whole model rather than the objective's loss on examples: exact match of generated
 * answers, say. Run by {@link Trainer} at every evaluation, without gradients; its metric names can select the best
 * checkpoint.
 */
@FunctionalInterface
public interface ModelEvaluator {

    /** Metrics of the model as it is now, by name without the {@code eval/} prefix. */
    Map<String, Double> evaluate(LlamaModel model);
}
