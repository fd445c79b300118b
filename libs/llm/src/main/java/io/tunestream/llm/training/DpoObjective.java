package io.tunestream.llm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.tunestream.llm.model.LlamaModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * DPO against a frozen reference: the policy's starting point. The reference's summed log-probabilities are computed
 * once, before the first step, without gradients, so no second copy of the model is held in memory (as TRL's
 * {@code precompute_ref_log_probs}); with LoRA the starting point is the base with adapters off, with full fine-tuning
 * it is the initial weights.
 */
public final class DpoObjective implements TrainingObjective<PreferenceExample> {

    private final int padId;
    private final DpoLoss dpo;
    private final Map<PreferenceExample, float[]> referenceLogProbs = new IdentityHashMap<>();
    /** IPO works on log-probabilities averaged over the answer's tokens, as TRL computes it. */
    private final boolean averagePerToken;

    public DpoObjective(int padId, DpoSettings settings) {
        this.padId = padId;
        this.dpo = new DpoLoss(settings);
        this.averagePerToken = settings.lossType() == DpoLossType.IPO;
    }

    /** Computes the reference's log-probabilities of these examples (training and evaluation pairs alike). */
    @Override
    public void prepare(LlamaModel model, List<PreferenceExample> examples) {
        int chunk = 8;
        for (int start = 0; start < examples.size(); start += chunk) {
            List<PreferenceExample> part = examples.subList(start, Math.min(examples.size(), start + chunk));
            try (NDScope scope = new NDScope()) {
                float[] chosen = logProbs(
                                model,
                                part.stream().map(PreferenceExample::chosen).toList(),
                                model.manager())
                        .toFloatArray();
                float[] rejected = logProbs(
                                model,
                                part.stream().map(PreferenceExample::rejected).toList(),
                                model.manager())
                        .toFloatArray();
                for (int i = 0; i < part.size(); i++) {
                    referenceLogProbs.put(part.get(i), new float[] {chosen[i], rejected[i]});
                }
                scope.suppressNotUsedWarning();
            }
        }
    }

    private NDArray logProbs(LlamaModel model, List<TrainingExample> examples, NDManager manager) {
        Batch batch = Batch.of(examples, padId, manager);
        NDArray logits = model.forward(batch.ids(), null, null, false);
        return Losses.sequenceLogProbs(logits, batch.ids(), batch.lossMask());
    }

    @Override
    public StepLoss loss(LlamaModel model, List<PreferenceExample> batch, NDManager manager) {
        List<TrainingExample> both = new ArrayList<>();
        batch.forEach(pair -> both.add(pair.chosen()));
        batch.forEach(pair -> both.add(pair.rejected()));
        // One forward pass over chosen and rejected together, as TRL's concatenated forward.
        NDArray all = logProbs(model, both, manager);
        int n = batch.size();
        NDArray policyChosen = all.get("0:{}", n);
        NDArray policyRejected = all.get("{}:", n);
        float[] refChosen = new float[n];
        float[] refRejected = new float[n];
        float[] chosenTokens = new float[n];
        float[] rejectedTokens = new float[n];
        for (int i = 0; i < n; i++) {
            float[] reference = referenceLogProbs.get(batch.get(i));
            if (reference == null) {
                throw new IllegalStateException("prepare() did not see this example: the reference is unknown");
            }
            chosenTokens[i] = Math.max(1, batch.get(i).chosen().learnedTokens());
            rejectedTokens[i] = Math.max(1, batch.get(i).rejected().learnedTokens());
            refChosen[i] = reference[0];
            refRejected[i] = reference[1];
            if (averagePerToken) {
                refChosen[i] /= chosenTokens[i];
                refRejected[i] /= rejectedTokens[i];
            }
        }
        if (averagePerToken) {
            policyChosen = policyChosen.div(manager.create(chosenTokens));
            policyRejected = policyRejected.div(manager.create(rejectedTokens));
        }
        DpoLoss.Result result = dpo.compute(
                policyChosen,
                policyRejected,
                manager.create(refChosen),
                manager.create(refRejected),
                manager.create(averagePerToken ? ones(n) : chosenTokens));
        return new StepLoss(result.loss(), result.metrics());
    }

    private static float[] ones(int n) {
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        return ones;
    }

    @Override
    public int tokens(List<PreferenceExample> batch) {
        return batch.stream()
                .mapToInt(p -> p.chosen().ids().length + p.rejected().ids().length)
                .sum();
    }
}
