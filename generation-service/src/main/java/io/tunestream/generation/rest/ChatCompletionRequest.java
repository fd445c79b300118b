package io.tunestream.generation.rest;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.generation.service.InferenceException;
import io.tunestream.llm.generation.GenerationRequest;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /v1/chat/completions}: string message contents. A field not listed here is refused with
 * 400 naming it ({@code unknown} collects them), as are {@code tools}.
 *
 * @param user OpenAI's end-user id for abuse monitoring: accepted, and has no effect on the answer
 */
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
        @JsonProperty("stream_options") JsonNode streamOptions,
        Boolean logprobs,
        @JsonProperty("top_logprobs") Integer topLogprobs,
        @JsonProperty("response_format") JsonNode responseFormat,
        String user,
        JsonNode tools,
        @JsonAnySetter Map<String, JsonNode> unknown) {

    /** @throws InferenceException (400) for a parameter that would change the answer and that this server lacks */
    void requireSupported() {
        OpenAiOptions.refuseUnknown(unknown);
        if (tools != null && !tools.isNull() && !tools.isEmpty()) {
            throw InferenceException.unsupported("tools", "tools are not supported by this server");
        }
        if (topLogprobs != null && !Boolean.TRUE.equals(logprobs)) {
            throw InferenceException.invalid("top_logprobs", "top_logprobs needs logprobs: true");
        }
        if (topLogprobs != null && (topLogprobs < 0 || topLogprobs > GenerationRequest.MAX_TOP_LOGPROBS)) {
            throw InferenceException.invalid(
                    "top_logprobs",
                    "top_logprobs must be between 0 and " + GenerationRequest.MAX_TOP_LOGPROBS + ", got "
                            + topLogprobs);
        }
    }

    /** The alternatives per token, or null when {@code logprobs} is off. */
    Integer logprobAlternatives() {
        return Boolean.TRUE.equals(logprobs) ? (topLogprobs == null ? 0 : topLogprobs) : null;
    }

    boolean includeUsage() {
        return OpenAiOptions.includeUsage(streamOptions, streamed());
    }

    OpenAiOptions.ResponseFormat responseFormatRequested() {
        return OpenAiOptions.responseFormat(responseFormat);
    }

    /** One message of the conversation. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String role, String content) {}

    SamplingRequest sampling() {
        if (maxCompletionTokens != null && maxTokens != null && !maxCompletionTokens.equals(maxTokens)) {
            throw InferenceException.invalid(
                    "max_completion_tokens", "max_tokens and max_completion_tokens disagree; send one of them");
        }
        // max_completion_tokens is OpenAI's newer name for max_tokens.
        Integer limit = maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
        return new SamplingRequest(
                limit, temperature, topP, topK, n, stop, frequencyPenalty, presencePenalty, repetitionPenalty, seed);
    }

    boolean streamed() {
        return Boolean.TRUE.equals(stream);
    }
}
