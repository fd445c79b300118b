package io.tunestream.llm.generation;

/**
 * The log-probability of a generated token under the model's own distribution (a log-softmax of its logits, before
 * penalties, temperature, top-k/top-p or a grammar reshape them, as vLLM reports by default), with the most likely
 * alternatives at that position.
 *
 * @param topIds      the {@code top} most likely token ids, most likely first
 * @param topLogprobs their log-probabilities
 */
public record TokenLogprob(int tokenId, float logprob, int[] topIds, float[] topLogprobs) {

    public TokenLogprob {
        topIds = topIds.clone();
        topLogprobs = topLogprobs.clone();
    }

    @Override
    public int[] topIds() {
        return topIds.clone();
    }

    @Override
    public float[] topLogprobs() {
        return topLogprobs.clone();
    }

    /** Log-probabilities of {@code token} and of the {@code top} best tokens in one row of logits. */
    static TokenLogprob of(float[] logits, int offset, int vocab, int token, int top) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(logits[offset + i] - max);
        }
        float logNormalizer = (float) (max + Math.log(sum));
        int count = Math.min(top, vocab);
        int[] ids = new int[count];
        float[] values = new float[count];
        // Insertion into a short sorted list: top is at most 20, far below the vocabulary.
        int filled = 0;
        for (int i = 0; i < vocab && count > 0; i++) {
            float value = logits[offset + i];
            if (filled == count && value <= values[count - 1]) {
                continue;
            }
            int at = filled < count ? filled++ : count - 1;
            while (at > 0 && values[at - 1] < value) {
                values[at] = values[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }
            values[at] = value;
            ids[at] = i;
        }
        for (int i = 0; i < count; i++) {
            values[i] -= logNormalizer;
        }
        return new TokenLogprob(token, logits[offset + token] - logNormalizer, ids, values);
    }
}
