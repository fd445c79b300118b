package io.tunestream.llm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.tunestream.llm.model.LlamaModel;
import java.util.List;
import java.util.Map;

/** Next-token cross-entropy on the learned tokens: continued pretraining (all tokens) and SFT (responses only). */
public final class CausalLmObjective implements TrainingObjective<TrainingExample> {

    private final int padId;

    public CausalLmObjective(int padId) {
        this.padId = padId;
    }

    @Override
    public StepLoss loss(LlamaModel model, List<TrainingExample> examples, NDManager manager) {
        Batch batch = Batch.of(examples, padId, manager);
        NDArray logits = model.forward(batch.ids(), null, null, false);
        NDArray loss = Losses.maskedCrossEntropy(logits, batch.ids(), batch.lossMask());
        return new StepLoss(loss, Map.of("loss", (double) loss.getFloat()));
    }

    @Override
    public int tokens(List<TrainingExample> batch) {
        return batch.stream().mapToInt(e -> e.ids().length).sum();
    }
}
