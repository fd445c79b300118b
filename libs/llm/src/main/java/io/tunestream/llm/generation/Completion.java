package io.tunestream.llm.generation;

import java.util.List;

/**
 * One sample of a request.
 *
 * @param tokenIds    generated ids; a stop token that ended the sample is not included
 * @param text        the decoded text, cut before a stop string; null when the generator has no tokenizer
 * @param stopTokenId the end-of-sequence or stop token that ended the sample (Hugging Face's generate includes it
 *                    in its output ids), or null
 * @param logprobs    one per generated token when the request asked for them, else null
 */
public record Completion(
        int index,
        int[] tokenIds,
        String text,
        FinishReason finishReason,
        Integer stopTokenId,
        List<TokenLogprob> logprobs) {

    public Completion {
        tokenIds = tokenIds.clone();
        logprobs = logprobs == null ? null : List.copyOf(logprobs);
    }

    public Completion(int index, int[] tokenIds, String text, FinishReason finishReason, Integer stopTokenId) {
        this(index, tokenIds, text, finishReason, stopTokenId, null);
    }

    @Override
    public int[] tokenIds() {
        return tokenIds.clone();
    }
}
