package io.tunestream.generation.rest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.generation.service.InferenceException;
import java.util.List;

/** The body of {@code POST /v1/chat/completions}: string message contents; {@code logprobs} and {@code tools} are refused. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionRequest(
        String model,
        List<Message> messages,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
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
        Boolean logprobs,
        JsonNode tools) {

    /** @throws InferenceException (400) for a parameter that would change the answer and that this server lacks */
    void requireSupported() {
        if (Boolean.TRUE.equals(logprobs)) {
            throw InferenceException.invalid("logprobs", "logprobs is not supported");
        }
        if (tools != null && !tools.isNull() && !tools.isEmpty()) {
            throw InferenceException.invalid("tools", "tools are not supported");
        }
    }

    /** One message of the conversation. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String role, String content) {}

    SamplingRequest sampling() {
        // max_completion_tokens is OpenAI's newer name for max_tokens.
        Integer limit = maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
        return new SamplingRequest(
                limit, temperature, topP, topK, n, stop, frequencyPenalty, presencePenalty, repetitionPenalty, seed);
    }

    boolean streamed() {
        return Boolean.TRUE.equals(stream);
    }
}
