package io.tunestream.dataset.service;

/**
 * The deterministic train/eval split: a sample is held out when the first 60 bits of its content hash, read as a
 * fraction of 2^60, fall below the eval fraction. The same sample lands on the same side in every version and round,
 * so no eval prompt is ever trained on.
 */
public final class EvalSplit {

    private static final double SPAN = 0x1p60;

    private EvalSplit() {}

    public static boolean isEval(String contentHash, double evalFraction) {
        if (evalFraction < 0 || evalFraction >= 1) {
            throw new IllegalArgumentException("eval fraction must be in [0, 1), got " + evalFraction);
        }
        long bits = Long.parseLong(contentHash.substring(0, 15), 16);
        // Compared as integers: a 60-bit value does not fit a double's mantissa.
        return bits < (long) (evalFraction * SPAN);
    }
}
