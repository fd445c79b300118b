package io.tunestream.llm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Direct preference optimisation on summed response log-probabilities, with TRL's metric names. With
 * {@code h = (log pi(y_w) - log pi(y_l)) - (log ref(y_w) - log ref(y_l))}:
 * sigmoid {@code -(1 - s) log sigmoid(beta h) - s log sigmoid(-beta h)}, IPO {@code (h - 1/(2 beta))^2}, hinge
 * {@code relu(1 - beta h)}; rewards are {@code beta (log pi - log ref)} of each answer.
 */
public final class DpoLoss {

    private final DpoSettings settings;

    public DpoLoss(DpoSettings settings) {
        this.settings = settings;
    }

    /** The loss and its metrics for one batch. */
    public record Result(NDArray loss, Map<String, Double> metrics) {}

    /**
     * @param policyChosen   (B) summed log-probabilities of the chosen answers under the policy
     * @param referenceChosen (B) the same under the frozen reference (no gradient)
     * @param chosenTokens   (B) number of response tokens of each chosen answer (for the NLL term)
     */
    public Result compute(
            NDArray policyChosen,
            NDArray policyRejected,
            NDArray referenceChosen,
            NDArray referenceRejected,
            NDArray chosenTokens) {
        NDManager manager = policyChosen.getManager();
        NDArray beta = Losses.constant(manager, settings.beta());
        NDArray one = Losses.constant(manager, 1);
        NDArray chosenRatio = policyChosen.sub(referenceChosen);
        NDArray rejectedRatio = policyRejected.sub(referenceRejected);
        NDArray margin = chosenRatio.sub(rejectedRatio); // h, (B)
        NDArray perExample = switch (settings.lossType()) {
            case SIGMOID -> {
                NDArray scaled = margin.mul(beta);
                NDArray smoothing = Losses.constant(manager, settings.labelSmoothing());
                NDArray keep = Losses.constant(manager, 1 - settings.labelSmoothing());
                yield logSigmoid(scaled)
                        .mul(keep)
                        .add(logSigmoid(scaled.neg()).mul(smoothing))
                        .neg();
            }
            case IPO ->
                margin.sub(Losses.constant(manager, 1 / (2 * settings.beta()))).square();
            case HINGE -> Activation.relu(one.sub(margin.mul(beta)));
        };
        NDArray loss = perExample.mean();
        if (settings.nllWeight() > 0) {
            NDArray nll = policyChosen.div(chosenTokens).mean().neg();
            loss = loss.add(nll.mul(Losses.constant(manager, settings.nllWeight())));
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        float[] chosenRewards = chosenRatio.toFloatArray();
        float[] rejectedRewards = rejectedRatio.toFloatArray();
        double chosenSum = 0;
        double rejectedSum = 0;
        double correct = 0;
        for (int i = 0; i < chosenRewards.length; i++) {
            chosenSum += settings.beta() * chosenRewards[i];
            rejectedSum += settings.beta() * rejectedRewards[i];
            correct += chosenRewards[i] > rejectedRewards[i] ? 1 : 0;
        }
        int n = chosenRewards.length;
        metrics.put("loss", (double) loss.getFloat());
        metrics.put("rewards/chosen", chosenSum / n);
        metrics.put("rewards/rejected", rejectedSum / n);
        metrics.put("rewards/margins", (chosenSum - rejectedSum) / n);
        metrics.put("rewards/accuracies", correct / n);
        metrics.put("logps/chosen", mean(policyChosen.toFloatArray()));
        metrics.put("logps/rejected", mean(policyRejected.toFloatArray()));
        return new Result(loss, metrics);
    }

    /** {@code log sigmoid(x) = -softplus(-x)}, stable for large |x|. */
    private static NDArray logSigmoid(NDArray x) {
        return Activation.softPlus(x.neg()).neg();
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float value : values) {
            sum += value;
        }
        return sum / values.length;
    }
}
