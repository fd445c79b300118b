package io.tunestream.generation.rest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.generation.service.InferenceException;

/** The body of {@code POST /v1/completions}: one string prompt; {@code echo}, {@code logprobs}, {@code best_of} are refused. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CompletionRequest(
        String model,
        JsonNode prompt,
        @JsonProperty("max_tokens") Integer maxTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("top_k") Integer topK,
        Integer n,
        JsonNode stop,
        @JsonProperty("frequency_penalty") Double frequencyPenalty,
        @JsonProperty("presence_penalty") Double presencePenalty,
        @JsonProperty("repetition_penalty") Double repetitionPenalty,
        Long seed,
        Boolean stream,
        Boolean echo,
        Integer logprobs,
        @JsonProperty("best_of") Integer bestOf) {

    /** @throws InferenceException (400) for a parameter that would change the answer and that this server lacks */
    void requireSupported() {
        if (Boolean.TRUE.equals(echo)) {
            throw InferenceException.invalid("echo", "echo is not supported");
        }
        if (logprobs != null) {
            throw InferenceException.invalid("logprobs", "logprobs is not supported");
        }
        if (bestOf != null && bestOf != 1) {
            throw InferenceException.invalid("best_of", "best_of is not supported; use n");
        }
    }

    SamplingRequest sampling() {
        return new SamplingRequest(
                maxTokens,
                temperature,
                topP,
                topK,
                n,
                stop,
                frequencyPenalty,
                presencePenalty,
                repetitionPenalty,
                seed);
    }

    boolean streamed() {
        return Boolean.TRUE.equals(stream);
    }
}
