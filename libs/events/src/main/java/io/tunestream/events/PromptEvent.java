package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * A prompt to answer with a given model version, published by the dataset-service to {@code tunestream.prompts}.
 *
 * @param promptHash sha256 of the rendered prompt: with {@code model} and {@code modelVersion}, the natural key of the
 *     generation that answers it (a restart resumes instead of regenerating)
 * @param dataset the dataset of the sample the prompt was rendered from
 * @param pipeline the pipeline that asked for the answer
 * @param sampleId the dataset-service's id of the sample
 * @param round the pipeline's round: it grows by one each time a new model version is promoted
 * @param model the model name in the registry
 * @param modelVersion the model version that must answer
 * @param prompt the prompt, already rendered with the model's template
 * @param sampling how to sample the answers: {@code sampling.n} sampled answers (1 when null)
 * @param includeGreedy also answer once by greedy decoding, first, besides the {@code n} sampled answers (optional;
 *     absent means false): the pipeline's "greedy plus n samples" for rejected sides
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PromptEvent(
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
        String prompt,
        SamplingParameters sampling,
        Boolean includeGreedy)
        implements TunestreamEvent {

    public static final int SCHEMA_VERSION = 1;

    public PromptEvent {
        EventValidation.requireText(eventId, "PromptEvent", "eventId");
        EventValidation.requireSchemaVersion(schemaVersion, "PromptEvent");
        EventValidation.requireValue(occurredAt, "PromptEvent", "occurredAt");
        EventValidation.requireSha256(promptHash, "PromptEvent", "promptHash");
        EventValidation.requireText(dataset, "PromptEvent", "dataset");
        EventValidation.requireText(pipeline, "PromptEvent", "pipeline");
        EventValidation.requireText(sampleId, "PromptEvent", "sampleId");
        EventValidation.requireText(model, "PromptEvent", "model");
        EventValidation.requirePositive(modelVersion, "PromptEvent", "modelVersion");
        EventValidation.requireValue(prompt, "PromptEvent", "prompt");
        EventValidation.requireValue(sampling, "PromptEvent", "sampling");
        includeGreedy = Boolean.TRUE.equals(includeGreedy);
    }

    /** A prompt answered only as {@code sampling} says (no extra greedy answer). */
    public PromptEvent(
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
            String prompt,
            SamplingParameters sampling) {
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
                prompt,
                sampling,
                Boolean.FALSE);
    }

    /** How many answers the prompt asks for: the sampled ones plus the greedy one when asked. */
    public int answersRequested() {
        int sampled = sampling.n() == null ? 1 : sampling.n();
        return sampled + (includeGreedy ? 1 : 0);
    }

    @Override
    public Topic topic() {
        return Topic.PROMPTS;
    }

    @Override
    public String partitionKey() {
        return promptHash;
    }

    @Override
    public String subject() {
        return "prompts/" + promptHash;
    }
}
