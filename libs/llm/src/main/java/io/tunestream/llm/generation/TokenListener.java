package io.tunestream.llm.generation;

/**
 * Receives each generated token as soon as it is sampled, on the scheduler's thread (keep it fast; do not block).
 * A stop token is not reported.
 */
@FunctionalInterface
public interface TokenListener {

    /**
     * @param sampleIndex which of the request's n samples
     * @param tokenId     the token
     * @param textDelta   the text this token completes (may be empty while a multi-byte character or a possible stop
     *                    string is held back); null when the generator has no tokenizer
     */
    void onToken(int sampleIndex, int tokenId, String textDelta);

    /**
     * The same, with the token's log-probability when the request asked for them (for streamed logprobs); the
     * scheduler calls this one, which by default drops the log-probability.
     *
     * @param logprob null unless the request asked for log-probabilities
     */
    default void onToken(int sampleIndex, int tokenId, String textDelta, TokenLogprob logprob) {
        onToken(sampleIndex, tokenId, textDelta);
    }

    /**
     * The sample ended. The deltas received so far followed by {@code textRemainder} are exactly the completion's
     * text (the remainder is what was held back: a partial stop string that never completed, an incomplete
     * character); null when the generator has no tokenizer.
     */
    default void onFinish(int sampleIndex, String textRemainder, FinishReason reason) {}

    TokenListener NONE = (sampleIndex, tokenId, textDelta) -> {};
}
