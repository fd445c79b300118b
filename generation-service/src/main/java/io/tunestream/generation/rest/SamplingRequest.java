package io.tunestream.generation.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.SamplingParameters;
import io.tunestream.generation.service.InferenceException;
import io.tunestream.generation.service.SamplingDefaults;
import io.tunestream.llm.generation.SamplingParams;
import java.util.ArrayList;
import java.util.List;

/**
 * The sampling parameters shared by {@code /v1/completions} and {@code /v1/chat/completions}, checked with OpenAI's
 * names and ranges ({@code top_k} and {@code repetition_penalty} are the usual extensions of OpenAI-compatible servers).
 */
record SamplingRequest(
        Integer maxTokens,
        Double temperature,
        Double topP,
        Integer topK,
        Integer n,
        JsonNode stop,
        Double frequencyPenalty,
        Double presencePenalty,
        Double repetitionPenalty,
        Long seed) {

    private static final int MAX_STOP_SEQUENCES = 4;

    /** @throws InferenceException (400) naming the parameter out of range */
    SamplingParams toEngine(SamplingDefaults defaults, int maxBatchSize) {
        requireRange("temperature", temperature, 0, 2);
        if (topP != null && !(topP > 0 && topP <= 1)) {
            throw InferenceException.invalid("top_p", "top_p must be in (0, 1], got " + topP);
        }
        if (topK != null && topK < 0) {
            throw InferenceException.invalid("top_k", "top_k must be >= 0 (0 turns it off), got " + topK);
        }
        if (maxTokens != null && maxTokens < 1) {
            throw InferenceException.invalid("max_tokens", "max_tokens must be at least 1, got " + maxTokens);
        }
        if (n != null && (n < 1 || n > maxBatchSize)) {
            throw InferenceException.invalid("n", "n must be between 1 and " + maxBatchSize + ", got " + n);
        }
        requireRange("frequency_penalty", frequencyPenalty, -2, 2);
        requireRange("presence_penalty", presencePenalty, -2, 2);
        if (repetitionPenalty != null && !(repetitionPenalty > 0)) {
            throw InferenceException.invalid(
                    "repetition_penalty", "repetition_penalty must be > 0, got " + repetitionPenalty);
        }
        SamplingParams params = defaults.toEngine(new SamplingParameters(
                temperature, topP, topK, maxTokens, n, stops(), frequencyPenalty, repetitionPenalty, seed));
        return presencePenalty == null
                ? params
                : params.withPenalties(params.repetitionPenalty(), params.frequencyPenalty(), presencePenalty);
    }

    private List<String> stops() {
        List<String> stops = new ArrayList<>();
        if (stop == null || stop.isNull()) {
            return stops;
        }
        if (stop.isTextual()) {
            stops.add(stop.asText());
        } else if (stop.isArray() && stop.size() <= MAX_STOP_SEQUENCES) {
            for (JsonNode element : stop) {
                if (!element.isTextual()) {
                    throw InferenceException.invalid(
                            "stop", "stop must be a string or an array of strings, found " + element);
                }
                stops.add(element.asText());
            }
        } else {
            throw InferenceException.invalid(
                    "stop", "stop must be a string or an array of up to " + MAX_STOP_SEQUENCES + " strings");
        }
        if (stops.stream().anyMatch(String::isEmpty)) {
            throw InferenceException.invalid("stop", "stop sequences must not be empty");
        }
        return stops;
    }

    private static void requireRange(String param, Double value, double min, double max) {
        if (value != null && !(value >= min && value <= max)) {
            throw InferenceException.invalid(
                    param, param + " must be between " + min + " and " + max + ", got " + value);
        }
    }
}
