package io.tunestream.llm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Token-level objectives on logits. Only tensor-tensor operations: these run inside the differentiated graph, where
 * Java-scalar overloads corrupt gradients.
 */
public final class Losses {

    private Losses() {}

    /**
     * Log-probability of each next token: position t of the logits predicts token t + 1.
     *
     * @param logits (B, T, V)
     * @param ids    (B, T) int64 input ids
     * @return (B, T - 1) log p(ids[:, t + 1] | ids[:, :t + 1])
     */
    public static NDArray nextTokenLogProbs(NDArray logits, NDArray ids) {
        long steps = logits.getShape().get(1);
        NDArray predicting = logits.get(":, :{}, :", steps - 1).logSoftmax(-1); // (B, T-1, V)
        NDArray targets = ids.get(":, 1:").expandDims(-1); // (B, T-1, 1)
        return predicting.gather(targets, 2).squeeze(-1); // (B, T-1)
    }

    /**
     * Mean cross-entropy over the predicted tokens that the mask selects (prompt and padding positions excluded).
     *
     * @param lossMask (B, T - 1) float, 1 where position t + 1 is a token to learn; 0 elsewhere
     */
    public static NDArray maskedCrossEntropy(NDArray logits, NDArray ids, NDArray lossMask) {
        NDArray tokenLogProbs = nextTokenLogProbs(logits, ids);
        // At least one in the denominator: a batch with nothing to learn has loss 0, not 0/0.
        NDArray count = lossMask.sum().maximum(lossMask.getManager().create(1f));
        return tokenLogProbs.mul(lossMask).sum().neg().div(count);
    }

    /**
     * Sum of the selected tokens' log-probabilities per sequence: DPO's log pi(y | x) over the response tokens.
     *
     * @return (B)
     */
    public static NDArray sequenceLogProbs(NDArray logits, NDArray ids, NDArray lossMask) {
        return nextTokenLogProbs(logits, ids).mul(lossMask).sum(new int[] {1});
    }

    /** A scalar constant for use inside a differentiated graph, made once per call site's manager. */
    static NDArray constant(NDManager manager, double value) {
        return manager.create((float) value);
    }
}
