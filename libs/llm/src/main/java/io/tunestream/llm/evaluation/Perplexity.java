package io.tunestream.llm.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.tunestream.llm.model.LlamaModel;
import java.util.List;
import java.util.Objects;

/**
 * Held-out language-modelling loss: the mean cross-entropy of each counted token given the tokens before it, and
 * perplexity {@code exp(loss)}. Sequences are batched with right padding, which needs no attention mask because
 * attention is causal: padding after a token cannot change its logits, and padded positions are not counted.
 */
public final class Perplexity {

    /** Sequences per forward pass. */
    public static final int DEFAULT_BATCH_SIZE = 8;

    private Perplexity() {}

    /** {@link #evalLoss(LlamaModel, List, List, int)} with {@value #DEFAULT_BATCH_SIZE} sequences per batch. */
    public static double evalLoss(LlamaModel model, List<int[]> sequences, List<boolean[]> lossMask) {
        return evalLoss(model, sequences, lossMask, DEFAULT_BATCH_SIZE);
    }

    /**
     * Mean over counted tokens of {@code -log p(token t | tokens before t)}, from the log-softmax of the logits at
     * position t - 1.
     *
     * @param lossMask per sequence, which tokens count as targets (as Hugging Face labels other than -100); entry 0
     *                 is ignored since nothing predicts the first token; null (or a null entry) counts every token after
     *                 the first
     * @throws IllegalArgumentException for sequences shorter than 2 tokens or longer than the model's context, ids
     *                                  outside the vocabulary, masks of the wrong length, or nothing to count
     */
    public static double evalLoss(LlamaModel model, List<int[]> sequences, List<boolean[]> lossMask, int batchSize) {
        Objects.requireNonNull(model, "model");
        long counted = validate(model, sequences, lossMask, batchSize);
        double totalLoss = 0;
        for (int start = 0; start < sequences.size(); start += batchSize) {
            int end = Math.min(sequences.size(), start + batchSize);
            totalLoss += batchLoss(
                    model, sequences.subList(start, end), lossMask == null ? null : lossMask.subList(start, end));
        }
        return totalLoss / counted;
    }

    /** {@code exp(evalLoss)} with the default batch size. */
    public static double perplexity(LlamaModel model, List<int[]> sequences, List<boolean[]> lossMask) {
        return Math.exp(evalLoss(model, sequences, lossMask));
    }

    /** The summed loss of the counted tokens of one batch. */
    private static double batchLoss(LlamaModel model, List<int[]> sequences, List<boolean[]> lossMask) {
        int rows = sequences.size();
        int width =
                sequences.stream().mapToInt(sequence -> sequence.length).max().orElseThrow();
        long[] ids = new long[rows * width];
        long[] targets = new long[rows * width]; // at position t, the token t + 1; 0 where nothing counts
        float[] weights = new float[rows * width]; // 1 where the target counts
        for (int row = 0; row < rows; row++) {
            int[] sequence = sequences.get(row);
            boolean[] mask = lossMask == null ? null : lossMask.get(row);
            for (int t = 0; t < sequence.length; t++) {
                ids[row * width + t] = sequence[t];
                if (t + 1 < sequence.length && (mask == null || mask[t + 1])) {
                    targets[row * width + t] = sequence[t + 1];
                    weights[row * width + t] = 1;
                }
            }
        }
        try (NDScope scope = new NDScope()) {
            NDManager manager = model.manager();
            NDArray logits = model.forward(manager.create(ids, new Shape(rows, width)), null, null, false);
            NDArray targetLogProbs = logits.logSoftmax(-1) // (B, T, V)
                    .gather(manager.create(targets, new Shape(rows, width, 1)), -1) // (B, T, 1)
                    .reshape(rows, width);
            double loss = -targetLogProbs
                    .mul(manager.create(weights, new Shape(rows, width)))
                    .sum()
                    .getFloat();
            scope.suppressNotUsedWarning();
            return loss;
        }
    }

    /** Checks the input; returns how many tokens count. */
    private static long validate(LlamaModel model, List<int[]> sequences, List<boolean[]> lossMask, int batchSize) {
        Objects.requireNonNull(sequences, "sequences");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        if (lossMask != null && lossMask.size() != sequences.size()) {
            throw new IllegalArgumentException("lossMask has " + lossMask.size() + " entries for " + sequences.size()
                    + " sequences; pass one per sequence, or null to count every token");
        }
        int vocab = model.config().vocabSize();
        int context = model.config().maxPositionEmbeddings();
        long counted = 0;
        for (int i = 0; i < sequences.size(); i++) {
            int[] sequence = sequences.get(i);
            if (sequence.length < 2 || sequence.length > context) {
                throw new IllegalArgumentException("sequence " + i + " has " + sequence.length + " tokens; between 2"
                        + " and the model's context of " + context + " are accepted");
            }
            for (int id : sequence) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException(
                            "sequence " + i + " holds token id " + id + ", outside the vocabulary [0, " + vocab + ")");
                }
            }
            boolean[] mask = lossMask == null ? null : lossMask.get(i);
            if (mask != null && mask.length != sequence.length) {
                throw new IllegalArgumentException("lossMask " + i + " has " + mask.length + " entries for a sequence"
                        + " of " + sequence.length + " tokens");
            }
            for (int t = 1; t < sequence.length; t++) {
                counted += mask == null || mask[t] ? 1 : 0;
            }
        }
        if (counted == 0) {
            throw new IllegalArgumentException("no token counts: pass at least one sequence with a target token"
                    + " in its loss mask after the first position");
        }
        return counted;
    }
}
