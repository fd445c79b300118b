package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * How a model samples an answer. Null means "the model's default" (from its {@code generation_config.json}), so
 * producers send only what they chose.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SamplingParameters(
        Double temperature,
        Double topP,
        Integer topK,
        Integer maxTokens,
        Integer n,
        List<String> stop,
        Double frequencyPenalty,
        Double repetitionPenalty,
        Long seed) {

    public SamplingParameters {
        if (temperature != null && temperature < 0) {
            throw new IllegalArgumentException(
                    "SamplingParameters.temperature must not be negative, got " + temperature);
        }
        if (topP != null && (topP <= 0 || topP > 1)) {
            throw new IllegalArgumentException("SamplingParameters.topP must be in (0, 1], got " + topP);
        }
        if (topK != null && topK < 0) {
            throw new IllegalArgumentException(
                    "SamplingParameters.topK must not be negative (0 turns it off), got " + topK);
        }
        if (maxTokens != null) {
            EventValidation.requirePositive(maxTokens, "SamplingParameters", "maxTokens");
        }
        if (n != null) {
            EventValidation.requirePositive(n, "SamplingParameters", "n");
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** Greedy decoding of at most {@code maxTokens} tokens. */
    public static SamplingParameters greedy(int maxTokens) {
        return new SamplingParameters(0.0, null, null, maxTokens, 1, List.of(), null, null, null);
    }
}
