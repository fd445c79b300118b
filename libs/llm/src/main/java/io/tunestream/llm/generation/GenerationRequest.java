package io.tunestream.llm.generation;

import java.util.Objects;

/** A prompt (already tokenized and rendered) with its sampling parameters and an optional streaming listener. */
public record GenerationRequest(int[] promptIds, SamplingParams params, TokenListener listener) {

    public GenerationRequest {
        Objects.requireNonNull(params, "params");
        if (promptIds == null || promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        promptIds = promptIds.clone();
        listener = listener == null ? TokenListener.NONE : listener;
    }

    public GenerationRequest(int[] promptIds, SamplingParams params) {
        this(promptIds, params, TokenListener.NONE);
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }
}
