package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/**
 * A model's answer to a {@link PromptEvent}, published by the generation-service to {@code tunestream.generations}.
 * A prompt that could not be answered still produces one, with {@code finishReason} {@code error} and the
 * {@code error} message, so that nothing waits for an answer that will never come.
 *
 * @param promptHash the prompt's hash; with {@code model} and {@code modelVersion} the natural key of this generation
 * @param text the first generated text (the greedy one when the prompt asked for it), without the prompt; empty on
 *     error
 * @param completions every generated text, in order: the greedy answer first when the prompt asked for it, then the
 *     sampled ones (optional: absent means the one answer {@code text}, or none on error)
 * @param promptTokens tokens in the prompt
 * @param completionTokens tokens generated
 * @param latencyMillis from the prompt entering the scheduler to the last token
 * @param error why the generation failed, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GenerationEvent(
        String eventId,
        int schemaVersion,
        Instant occurredAt,
        String promptHash,
        String dataset,
        String pipeline,
        String sampleId,
        int round,
        String model,
        int modelVersion,
        SamplingParameters sampling,
        String text,
        FinishReason finishReason,
        int promptTokens,
        int completionTokens,
        long latencyMillis,
        String error,
        List<String> completions)
        implements TunestreamEvent {

    public static final int SCHEMA_VERSION = 1;

    public GenerationEvent {
        EventValidation.requireText(eventId, "GenerationEvent", "eventId");
        EventValidation.requireSchemaVersion(schemaVersion, "GenerationEvent");
        EventValidation.requireValue(occurredAt, "GenerationEvent", "occurredAt");
        EventValidation.requireSha256(promptHash, "GenerationEvent", "promptHash");
        EventValidation.requireText(dataset, "GenerationEvent", "dataset");
        EventValidation.requireText(pipeline, "GenerationEvent", "pipeline");
        EventValidation.requireText(sampleId, "GenerationEvent", "sampleId");
        EventValidation.requireText(model, "GenerationEvent", "model");
        EventValidation.requirePositive(modelVersion, "GenerationEvent", "modelVersion");
        EventValidation.requireValue(finishReason, "GenerationEvent", "finishReason");
        if ((finishReason == FinishReason.ERROR) != (error != null)) {
            throw new IllegalArgumentException(
                    "GenerationEvent.error must be set exactly when finishReason is 'error'");
        }
        if (completions == null || completions.isEmpty()) {
            completions = finishReason == FinishReason.ERROR || text == null ? List.of() : List.of(text);
        } else {
            completions = List.copyOf(completions);
        }
        text = text == null ? (completions.isEmpty() ? "" : completions.get(0)) : text;
        if (!completions.isEmpty() && !completions.get(0).equals(text)) {
            throw new IllegalArgumentException(
                    "GenerationEvent.text must equal the first of GenerationEvent.completions");
        }
    }

    /** A generation with one answer, {@code text}. */
    public GenerationEvent(
            String eventId,
            int schemaVersion,
            Instant occurredAt,
            String promptHash,
            String dataset,
            String pipeline,
            String sampleId,
            int round,
            String model,
            int modelVersion,
            SamplingParameters sampling,
            String text,
            FinishReason finishReason,
            int promptTokens,
            int completionTokens,
            long latencyMillis,
            String error) {
        this(
                eventId,
                schemaVersion,
                occurredAt,
                promptHash,
                dataset,
                pipeline,
                sampleId,
                round,
                model,
                modelVersion,
                sampling,
                text,
                finishReason,
                promptTokens,
                completionTokens,
                latencyMillis,
                error,
                null);
    }

    @Override
    public Topic topic() {
        return Topic.GENERATIONS;
    }

    @Override
    public String partitionKey() {
        return promptHash;
    }

    @Override
    public String subject() {
        return "models/" + model + "/" + modelVersion + "/generations/" + promptHash;
    }
}
