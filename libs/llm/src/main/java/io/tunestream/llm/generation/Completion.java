package io.tunestream.llm.generation;

/**
 * One sample of a request.
 *
 * @param tokenIds    generated ids; a stop token that ended the sample is not included
 * @param text        the decoded text, cut before a stop string; null when the generator has no tokenizer
 * @param stopTokenId the end-of-sequence or stop token that ended the sample (Hugging Face's generate includes it
 *                    in its output ids), or null
 */
public record Completion(int index, int[] tokenIds, String text, FinishReason finishReason, Integer stopTokenId) {

    public Completion {
        tokenIds = tokenIds.clone();
    }

    @Override
    public int[] tokenIds() {
        return tokenIds.clone();
    }
}
