package io.tunestream.generation.rest;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.generation.service.InferenceException;
import java.util.Map;

/**
 * The body of {@code POST /v1/completions}: one string prompt. {@code echo} and {@code best_of} other than 1 are
 * refused, as is any field not listed here ({@code unknown} collects them).
 *
 * @param logprobs the legacy API's count of alternatives per token (0-5), or null for none
 * @param user     OpenAI's end-user id for abuse monitoring: accepted, and has no effect on the answer
 */
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
        @JsonProperty("stream_options") JsonNode streamOptions,
        Boolean echo,
        Integer logprobs,
        @JsonProperty("best_of") Integer bestOf,
        @JsonProperty("response_format") JsonNode responseFormat,
        String user,
        @JsonAnySetter Map<String, JsonNode> unknown) {

    /** OpenAI's limit for the legacy completions API. */
    private static final int MAX_LOGPROBS = 5;

    /** @throws InferenceException (400) for a parameter that would change the answer and that this server lacks */
    void requireSupported() {
        OpenAiOptions.refuseUnknown(unknown);
        if (Boolean.TRUE.equals(echo)) {
            throw InferenceException.unsupported("echo", "echo is not supported by this server");
        }
        if (logprobs != null && (logprobs < 0 || logprobs > MAX_LOGPROBS)) {
            throw InferenceException.invalid(
                    "logprobs", "logprobs must be between 0 and " + MAX_LOGPROBS + ", got " + logprobs);
        }
        if (logprobs != null && streamed()) {
            throw InferenceException.unsupported(
                    "logprobs", "logprobs with stream: true is not supported by this server; ask without streaming");
        }
        if (bestOf != null && bestOf != 1) {
            throw InferenceException.unsupported("best_of", "best_of is not supported by this server; use n");
        }
    }

    boolean includeUsage() {
        return OpenAiOptions.includeUsage(streamOptions, streamed());
    }

    OpenAiOptions.ResponseFormat responseFormatRequested() {
        return OpenAiOptions.responseFormat(responseFormat);
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
