package io.tunestream.llm.training;

/**
 * @param beta           strength of the KL constraint to the reference (TRL's default 0.1)
 * @param labelSmoothing probability that a preference label is flipped (conservative DPO); sigmoid loss only
 * @param nllWeight      weight of an NLL term on the chosen answer, the usual guard against both log-probabilities
 *                       falling together; 0 disables
 */
public record DpoSettings(double beta, DpoLossType lossType, double labelSmoothing, double nllWeight) {

    public DpoSettings {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("beta must be positive, got " + beta);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 0.5), got " + labelSmoothing);
        }
        if (labelSmoothing > 0 && lossType != DpoLossType.SIGMOID) {
            throw new IllegalArgumentException("label smoothing applies to the sigmoid loss only");
        }
        if (!(nllWeight >= 0)) {
            throw new IllegalArgumentException("the NLL weight must be >= 0, got " + nllWeight);
        }
    }

    public static DpoSettings defaults() {
        return new DpoSettings(0.1, DpoLossType.SIGMOID, 0, 0);
    }
}
