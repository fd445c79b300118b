package io.tunestream.generation.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The response bodies of the OpenAI-compatible API, with OpenAI's field names. */
final class OpenAiBodies {

    private OpenAiBodies() {}

    record Usage(
            @JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("completion_tokens") int completionTokens,
            @JsonProperty("total_tokens") int totalTokens) {

        static Usage of(int promptTokens, int completionTokens) {
            return new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
        }
    }

    record CompletionChoice(
            String text,
            int index,
            Object logprobs,
            @JsonProperty("finish_reason") String finishReason) {}

    /**
     * A completion, or one chunk of a streamed one (then without usage). {@code system_fingerprint} names the model
     * version that answered, e.g. {@code tiny-llama:v3}.
     */
    record Completion(
            String id,
            String object,
            long created,
            String model,
            @JsonProperty("system_fingerprint") String systemFingerprint,
            List<CompletionChoice> choices,
            @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {}

    record Message(String role, String content) {}

    record ChatChoice(
            int index,
            Message message,
            @JsonProperty("finish_reason") String finishReason) {}

    record ChatCompletion(
            String id,
            String object,
            long created,
            String model,
            @JsonProperty("system_fingerprint") String systemFingerprint,
            List<ChatChoice> choices,
            Usage usage) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content) {}

    record ChatChunkChoice(
            int index,
            Delta delta,
            @JsonProperty("finish_reason") String finishReason) {}

    record ChatCompletionChunk(
            String id,
            String object,
            long created,
            String model,
            @JsonProperty("system_fingerprint") String systemFingerprint,
            List<ChatChunkChoice> choices) {}

    /** One model; {@code version} (an extension) is the version loaded now. */
    record ModelCard(
            String id,
            String object,
            long created,
            @JsonProperty("owned_by") String ownedBy,
            int version) {}

    record ModelList(String object, List<ModelCard> data) {}

    /** OpenAI's error shape: {@code {"error": {"message", "type", "param", "code"}}}. */
    record ErrorBody(Error error) {

        record Error(String message, String type, String param, String code) {}

        static ErrorBody of(String message, String type, String param, String code) {
            return new ErrorBody(new Error(message, type, param, code));
        }
    }
}
