package io.tunestream.generation;

import io.tunestream.events.PromptEvent;
import io.tunestream.events.SamplingParameters;
import io.tunestream.platform.storage.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Prompt events as the dataset-service sends them, each with a prompt hash of its own. */
public final class Prompts {

    private Prompts() {}

    public static PromptEvent prompt(int version, String text, SamplingParameters sampling) {
        return prompt(ModelFixture.MODEL, version, text, sampling);
    }

    public static PromptEvent prompt(String model, int version, String text, SamplingParameters sampling) {
        // The hash covers a random nonce too, so that tests sharing the broker never see each other's generations.
        String hash = Sha256.of((text + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        return new PromptEvent(
                UUID.randomUUID().toString(),
                PromptEvent.SCHEMA_VERSION,
                Instant.now(),
                hash,
                "arithmetic",
                "arithmetic-dpo",
                "sample-" + hash.substring(0, 8),
                1,
                model,
                version,
                text,
                sampling);
    }

    /** A prompt that asks for {@code sampling.n} sampled answers and, with {@code includeGreedy}, a greedy one first. */
    public static PromptEvent prompt(int version, String text, SamplingParameters sampling, boolean includeGreedy) {
        PromptEvent plain = prompt(version, text, sampling);
        return new PromptEvent(
                plain.eventId(),
                plain.schemaVersion(),
                plain.occurredAt(),
                plain.promptHash(),
                plain.dataset(),
                plain.pipeline(),
                plain.sampleId(),
                plain.round(),
                plain.model(),
                plain.modelVersion(),
                plain.prompt(),
                plain.sampling(),
                includeGreedy);
    }

    public static PromptEvent prompt(int version, String text) {
        return prompt(version, text, SamplingParameters.greedy(8));
    }
}
