package io.tunestream.llm.generation;

import java.util.List;
import java.util.Set;

/**
 * How to pick tokens, with OpenAI's and Hugging Face's meanings.
 *
 * @param maxNewTokens      upper bound on generated tokens per sample (finish reason {@code length})
 * @param temperature       0 means greedy; otherwise logits are divided by it before sampling
 * @param topK              keep only the k most likely tokens; 0 disables
 * @param topP              keep the smallest set of tokens whose probability reaches p; 1 disables
 * @param repetitionPenalty Hugging Face's: logits of tokens already in prompt or output are divided by it when
 *                          positive and multiplied when negative; 1 disables
 * @param frequencyPenalty  OpenAI's: subtracted once per previous occurrence of a token in the output; 0 disables
 * @param presencePenalty   OpenAI's: subtracted once if the token occurred in the output; 0 disables
 * @param stopTokenIds      generation stops when one is produced (it is not part of the text); the model's
 *                          end-of-sequence ids are added by the scheduler unless {@code ignoreEos}
 * @param stopStrings       generation stops when the text contains one (the text ends before it)
 * @param n                 independent samples per prompt
 * @param seed              makes sampling reproducible; null draws a fresh seed
 */
public record SamplingParams(
        int maxNewTokens,
        double temperature,
        int topK,
        double topP,
        double repetitionPenalty,
        double frequencyPenalty,
        double presencePenalty,
        Set<Integer> stopTokenIds,
        List<String> stopStrings,
        int n,
        Long seed,
        boolean ignoreEos) {

    public SamplingParams {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max_new_tokens must be at least 1, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0 (0 disables it), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException(
                    "repetition_penalty must be > 0 (1 disables it), got " + repetitionPenalty);
        }
        if (Double.isNaN(frequencyPenalty) || Double.isNaN(presencePenalty)) {
            throw new IllegalArgumentException("frequency_penalty and presence_penalty must be numbers");
        }
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        stopTokenIds = Set.copyOf(stopTokenIds);
        stopStrings = List.copyOf(stopStrings);
        if (stopStrings.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("stop strings must not be empty");
        }
    }

    public static SamplingParams greedy(int maxNewTokens) {
        return new SamplingParams(maxNewTokens, 0, 0, 1, 1, 0, 0, Set.of(), List.of(), 1, null, false);
    }

    public static SamplingParams sampled(int maxNewTokens, double temperature, double topP, long seed) {
        return new SamplingParams(maxNewTokens, temperature, 0, topP, 1, 0, 0, Set.of(), List.of(), 1, seed, false);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    public SamplingParams withN(int samples) {
        return new SamplingParams(
                maxNewTokens,
                temperature,
                topK,
                topP,
                repetitionPenalty,
                frequencyPenalty,
                presencePenalty,
                stopTokenIds,
                stopStrings,
                samples,
                seed,
                ignoreEos);
    }

    public SamplingParams withStops(Set<Integer> tokenIds, List<String> strings) {
        return new SamplingParams(
                maxNewTokens,
                temperature,
                topK,
                topP,
                repetitionPenalty,
                frequencyPenalty,
                presencePenalty,
                tokenIds,
                strings,
                n,
                seed,
                ignoreEos);
    }

    public SamplingParams withPenalties(double repetition, double frequency, double presence) {
        return new SamplingParams(
                maxNewTokens,
                temperature,
                topK,
                topP,
                repetition,
                frequency,
                presence,
                stopTokenIds,
                stopStrings,
                n,
                seed,
                ignoreEos);
    }

    public SamplingParams withTopK(int k) {
        return new SamplingParams(
                maxNewTokens,
                temperature,
                k,
                topP,
                repetitionPenalty,
                frequencyPenalty,
                presencePenalty,
                stopTokenIds,
                stopStrings,
                n,
                seed,
                ignoreEos);
    }

    public SamplingParams withSeed(Long newSeed) {
        return new SamplingParams(
                maxNewTokens,
                temperature,
                topK,
                topP,
                repetitionPenalty,
                frequencyPenalty,
                presencePenalty,
                stopTokenIds,
                stopStrings,
                n,
                newSeed,
                ignoreEos);
    }

    public SamplingParams withIgnoreEos(boolean ignore) {
        return new SamplingParams(
                maxNewTokens,
                temperature,
                topK,
                topP,
                repetitionPenalty,
                frequencyPenalty,
                presencePenalty,
                stopTokenIds,
                stopStrings,
                n,
                seed,
                ignore);
    }
}
