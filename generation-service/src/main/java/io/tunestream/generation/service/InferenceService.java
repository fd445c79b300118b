package io.tunestream.generation.service;

import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationResult;
import io.tunestream.llm.generation.QueueFullException;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.TokenListener;
import io.tunestream.llm.prompt.ChatMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Serving over HTTP on the same model and scheduler as prompt generation: the production version in memory answers,
 * whatever its version; a request started on one version finishes on it across a hot swap.
 */
@ApplicationScoped
public class InferenceService {

    private final ProductionModel production;

    public InferenceService(ProductionModel production) {
        this.production = production;
    }

    /** A generation under way, with the version that runs it and the prompt's length. */
    public record Started(String model, int version, int promptTokens, CompletableFuture<GenerationResult> result) {}

    /** The served model's name and loaded version; 0 when none is loaded yet. */
    public String modelName() {
        return production.modelName();
    }

    public int loadedVersion() {
        return production.loadedVersion();
    }

    /** Completes raw text: the tokenizer adds its own special tokens, as Hugging Face's generate does. */
    public Started complete(String model, String prompt, SamplingParams params, TokenListener listener) {
        return start(model, served -> served.encode(prompt, false), params, listener);
    }

    /** Answers a conversation rendered with the model's chat template, ending with the opening of an assistant turn. */
    public Started chat(String model, List<ChatMessage> messages, SamplingParams params, TokenListener listener) {
        return start(
                model, served -> served.encode(served.chatTemplate().render(messages, true), true), params, listener);
    }

    private Started start(
            String model, Function<ServedModel, int[]> encoder, SamplingParams params, TokenListener listener) {
        if (!production.modelName().equals(model)) {
            throw InferenceException.unknownModel(model, production.modelName());
        }
        ServedModel served = production.acquireCurrent().orElseThrow(() -> InferenceException.notReady(model));
        try {
            int[] ids = encoder.apply(served);
            if (ids.length == 0) {
                throw InferenceException.invalid("prompt", "the prompt is empty after tokenization");
            }
            CompletableFuture<GenerationResult> result =
                    served.scheduler().submit(new GenerationRequest(ids, params, listener));
            result.whenComplete((done, failure) -> served.release());
            return new Started(served.name(), served.version(), ids.length, result);
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
