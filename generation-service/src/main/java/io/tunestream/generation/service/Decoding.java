package io.tunestream.generation.service;

import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.TokenGrammar;
import io.tunestream.llm.generation.TokenListener;

/**
 * How an HTTP request wants its answer decoded, beyond sampling: log-probabilities, and the grammar of JSON mode or
 * of a JSON schema (built over the vocabulary of whichever version answers).
 *
 * @param topLogprobs null for none; else the alternatives per token (0-20)
 * @param json        whether the answer must be a JSON object
 * @param schema      null, or the schema the answer must be a value of (implies {@code json})
 */
public record Decoding(SamplingParams params, Integer topLogprobs, boolean json, JsonSchemaSubset schema) {

    public Decoding(SamplingParams params, Integer topLogprobs, boolean json) {
        this(params, topLogprobs, json, null);
    }

    GenerationRequest request(ServedModel served, int[] promptIds, TokenListener listener) {
        TokenGrammar grammar = schema != null ? served.schemaGrammar(schema) : json ? served.jsonGrammar() : null;
        return new GenerationRequest(promptIds, params, listener, topLogprobs, grammar);
    }
}
