package io.tunestream.generation.rest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** The body of {@code POST /v1/completions}; a single string prompt. */
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
        Boolean stream) {

    SamplingRequest sampling() {
        return new SamplingRequest(maxTokens, temperature, topP, topK, n, stop, frequencyPenalty, presencePenalty,
                repetitionPenalty, seed);
    }

    boolean streamed() {
        return Boolean.TRUE.equals(stream);
    }
}
