package io.tunestream.llm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.List;

/**
 * Global-norm clipping as {@code torch.nn.utils.clip_grad_norm_}: when the L2 norm of all gradients together exceeds
 * the limit, every gradient is scaled by {@code limit / (norm + 1e-6)}. (DJL's own clipGrad clamps values one by one,
 * which is not the same thing.)
 */
public final class GradientClipping {

    private GradientClipping() {}

    /** Scales the gradients in place when needed and returns the norm before clipping. */
    public static double clipGlobalNorm(List<NDArray> gradients, double maxNorm) {
        double sumOfSquares = 0;
        try (NDScope scope = new NDScope()) {
            for (NDArray gradient : gradients) {
                sumOfSquares += gradient.square().sum().getFloat();
            }
            scope.suppressNotUsedWarning();
        }
        double norm = Math.sqrt(sumOfSquares);
        if (maxNorm > 0 && norm > maxNorm) {
            double factor = maxNorm / (norm + 1e-6);
            for (NDArray gradient : gradients) {
                gradient.muli(factor);
            }
        }
        return norm;
    }
}
