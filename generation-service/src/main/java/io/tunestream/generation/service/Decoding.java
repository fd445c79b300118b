package io.tunestream.generation.service;

import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.TokenListener;

/**
 * How an HTTP request wants its answer decoded, beyond sampling: log-probabilities, and JSON mode's grammar (built
 * over the vocabulary of whichever version answers).
 *
 * @param topLogprobs null for none; else the alternatives per token (0-20)
 * @param json        whether the answer must be a JSON object
 */
public record Decoding(SamplingParams params, Integer topLogprobs, boolean json) {

    GenerationRequest request(ServedModel served, int[] promptIds, TokenListener listener) {
        return new GenerationRequest(promptIds, params, listener, topLogprobs, json ? served.jsonGrammar() : null);
    }
}
