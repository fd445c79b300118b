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

    TokenListener NONE = (sampleIndex, tokenId, textDelta) -> { };
}
