package io.tunestream.generation.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

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
            CompletionLogprobs logprobs,
            @JsonProperty("finish_reason") String finishReason) {}

    /** The legacy completions API's logprobs: parallel lists, alternatives as a map from token to logprob. */
    record CompletionLogprobs(
            List<String> tokens,
            @JsonProperty("token_logprobs") List<Float> tokenLogprobs,
            @JsonProperty("top_logprobs") List<Map<String, Float>> topLogprobs,
            @JsonProperty("text_offset") List<Integer> textOffset) {}

    /** Chat's logprobs: one entry per generated token. */
    record ChatLogprobs(List<TokenLogprob> content, Object refusal) {}

    record TokenLogprob(
            String token,
            float logprob,
            List<Integer> bytes,
            @JsonProperty("top_logprobs") List<TopLogprob> topLogprobs) {}

    record TopLogprob(String token, float logprob, List<Integer> bytes) {}

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
            ChatLogprobs logprobs,
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

    /** @param logprobs the tokens this chunk's text came from, when logprobs were asked for; else null */
    record ChatChunkChoice(
            int index,
            Delta delta,
            ChatLogprobs logprobs,
            @JsonProperty("finish_reason") String finishReason) {}

    /** A chunk; the last one of a stream with {@code include_usage} has no choices and the usage. */
    record ChatCompletionChunk(
            String id,
            String object,
            long created,
            String model,
            @JsonProperty("system_fingerprint") String systemFingerprint,
            List<ChatChunkChoice> choices,
            @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {}

    /**
     * One servable model id, with vLLM's {@code root} and {@code parent}: {@code MODEL} has the version it answers
     * with as root ({@code MODEL:vN}) and no parent; {@code MODEL:vN} and {@code MODEL@candidate} have {@code MODEL}
     * as parent. Extensions: {@code version}, and {@code loaded} (in memory now, so no load delays the answer).
     */
    record ModelCard(
            String id,
            String object,
            long created,
            @JsonProperty("owned_by") String ownedBy,
            String root,
            String parent,
            int version,
            boolean loaded) {}

    record ModelList(String object, List<ModelCard> data) {}

    /** OpenAI's error shape: {@code {"error": {"message", "type", "param", "code"}}}. */
    record ErrorBody(Error error) {

        record Error(String message, String type, String param, String code) {}

        static ErrorBody of(String message, String type, String param, String code) {
            return new ErrorBody(new Error(message, type, param, code));
        }
    }
}
