package io.tunestream.llm.generation;

import java.util.Objects;

/**
 * A prompt (already tokenized and rendered) with its sampling parameters, an optional streaming listener, and what
 * else it asks of the decoder.
 *
 * @param topLogprobs null for no log-probabilities; else each generated token's, with this many alternatives (0-20)
 * @param grammar     null, or the syntax every sample must keep (e.g. {@link JsonGrammar})
 */
public record GenerationRequest(
        int[] promptIds, SamplingParams params, TokenListener listener, Integer topLogprobs, TokenGrammar grammar) {

    public static final int MAX_TOP_LOGPROBS = 20;

    public GenerationRequest {
        Objects.requireNonNull(params, "params");
        if (topLogprobs != null && (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS)) {
            throw new IllegalArgumentException(
                    "top_logprobs must be between 0 and " + MAX_TOP_LOGPROBS + ", got " + topLogprobs);
        }
        if (promptIds == null || promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        promptIds = promptIds.clone();
        listener = listener == null ? TokenListener.NONE : listener;
    }

    public GenerationRequest(int[] promptIds, SamplingParams params, TokenListener listener) {
        this(promptIds, params, listener, null, null);
    }

    public GenerationRequest(int[] promptIds, SamplingParams params) {
        this(promptIds, params, TokenListener.NONE);
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }
}
