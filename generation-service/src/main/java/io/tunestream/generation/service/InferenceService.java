package io.tunestream.generation.service;

import io.tunestream.generation.config.GenerationConfig;
import io.tunestream.llm.generation.GenerationResult;
import io.tunestream.llm.generation.QueueFullException;
import io.tunestream.llm.generation.TokenListener;
import io.tunestream.llm.prompt.ChatMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Serving over HTTP on the same models and schedulers as prompt generation: a request names a model (its production
 * version), {@code MODEL:vN} or {@code MODEL@candidate}; the version is loaded on first use. A request started on one
 * version finishes on it across a hot swap.
 */
@ApplicationScoped
public class InferenceService {

    private final ModelCatalog models;
    private final Duration loadTimeout;

    public InferenceService(ModelCatalog models, GenerationConfig config) {
        this.models = models;
        this.loadTimeout = config.loadTimeout();
    }

    /**
     * A generation under way.
     *
     * @param model the model id as the request named it
     * @param served the version that runs it (held until the generation ends)
     */
    public record Started(
            String model, ServedModel served, int promptTokens, CompletableFuture<GenerationResult> result) {

        /** The answering version, e.g. {@code tiny-llama:v3}. */
        public String fingerprint() {
            return ModelReference.versionId(served.name(), served.version());
        }
    }

    /** Completes raw text: the tokenizer adds its own special tokens, as Hugging Face's generate does. */
    public Started complete(String model, String prompt, Decoding decoding, TokenListener listener) {
        return start(model, served -> served.encode(prompt, false), decoding, listener);
    }

    /** Answers a conversation rendered with the model's chat template, ending with the opening of an assistant turn. */
    public Started chat(String model, List<ChatMessage> messages, Decoding decoding, TokenListener listener) {
        return start(
                model, served -> served.encode(served.chatTemplate().render(messages, true), true), decoding, listener);
    }

    private Started start(
            String model, Function<ServedModel, int[]> encoder, Decoding decoding, TokenListener listener) {
        ServedModel served;
        try {
            served = models.acquire(ModelReference.parse(model), loadTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw InferenceException.notReady(model);
        }
        try {
            int[] ids = encoder.apply(served);
            if (ids.length == 0) {
                throw InferenceException.invalid("prompt", "the prompt is empty after tokenization");
            }
            CompletableFuture<GenerationResult> result =
                    served.scheduler().submit(decoding.request(served, ids, listener));
            result.whenComplete((done, failure) -> served.release());
            return new Started(model, served, ids.length, result);
        } catch (QueueFullException e) {
            served.release();
            throw InferenceException.overloaded(e.getMessage());
        } catch (IllegalArgumentException e) {
            served.release();
            throw InferenceException.invalid(null, e.getMessage());
        } catch (RuntimeException e) {
            served.release();
            throw e;
        }
    }
}
