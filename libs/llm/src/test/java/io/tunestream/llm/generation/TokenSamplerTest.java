package io.tunestream.llm.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sampling rules alone, on hand-made logits. */
class TokenSamplerTest {

    private static Map<Integer, Integer> histogram(SamplingParams params, float[] logits, int[] prompt, int draws) {
        TokenSampler sampler = new TokenSampler(params, prompt, new SplittableRandom(1), null, Set.of());
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < draws; i++) {
            counts.merge(sampler.next(logits, 0, logits.length, 100), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void topKKeepsEveryTokenTiedWithTheKth() {
        float[] logits = {1f, 3f, 3f, 0f};
        Map<Integer, Integer> counts =
                histogram(SamplingParams.sampled(1, 1.0, 1.0, 1).withTopK(1), logits, new int[0], 2000);
        assertThat(counts.keySet()).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // Probabilities about 0.665, 0.245, 0.090: p = 0.8 keeps the first two only.
        float[] logits = {2f, 1f, 0f};
        Map<Integer, Integer> counts = histogram(SamplingParams.sampled(1, 1.0, 0.8, 1), logits, new int[0], 4000);
        assertThat(counts.keySet()).containsExactlyInAnyOrder(0, 1);
        assertThat(counts.get(0) / 4000.0).isBetween(0.68, 0.78); // 0.665 / (0.665 + 0.245) = 0.731
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens() {
        // Token 0 was in the prompt: 2.0 / 4 = 0.5 < 1.5, so greedy picks token 1.
        float[] logits = {2f, 1.5f, -1f};
        SamplingParams penalised = SamplingParams.greedy(1).withPenalties(4.0, 0, 0);
        assertThat(new TokenSampler(penalised, new int[] {0}, new SplittableRandom(1), null, Set.of())
                        .next(logits, 0, 3, 100))
                .isEqualTo(1);
        assertThat(new TokenSampler(SamplingParams.greedy(1), new int[] {0}, new SplittableRandom(1), null, Set.of())
                        .next(logits, 0, 3, 100))
                .isZero();
        // A negative logit is multiplied: -1 * 4 = -4, so a seen negative token falls further behind an unseen one.
        float[] negative = {-1f, -2f};
        assertThat(new TokenSampler(penalised, new int[] {0}, new SplittableRandom(1), null, Set.of())
                        .next(negative, 0, 2, 100))
                .isEqualTo(1);
    }

    @Test
    void frequencyPenaltyCountsOutputOccurrencesAndPresencePenaltyOnlyOnce() {
        float[] logits = {3f, 2f};
        // Token 0 generated twice: frequency 0.6 removes 1.2 (3 -> 1.8 < 2); presence 0.6 removes only 0.6 (2.4 > 2).
        TokenSampler frequency = new TokenSampler(
                SamplingParams.greedy(1).withPenalties(1, 0.6, 0), new int[0], new SplittableRandom(1), null, Set.of());
        TokenSampler presence = new TokenSampler(
                SamplingParams.greedy(1).withPenalties(1, 0, 0.6), new int[0], new SplittableRandom(1), null, Set.of());
        for (TokenSampler sampler : List.of(frequency, presence)) {
            sampler.accept(0);
            sampler.accept(0);
        }
        assertThat(frequency.next(logits, 0, 2, 100)).isEqualTo(1);
        assertThat(presence.next(logits, 0, 2, 100)).isZero();
        // Prompt tokens are not output: no frequency penalty for them.
        TokenSampler promptOnly = new TokenSampler(
                SamplingParams.greedy(1).withPenalties(1, 5, 5),
                new int[] {0},
                new SplittableRandom(1),
                null,
                Set.of());
        assertThat(promptOnly.next(logits, 0, 2, 100)).isZero();
    }

    @Test
    void lowTemperatureConcentratesOnTheBestToken() {
        float[] logits = {1f, 0.5f, 0f};
        Map<Integer, Integer> cold = histogram(SamplingParams.sampled(1, 0.05, 1.0, 1), logits, new int[0], 1000);
        Map<Integer, Integer> warm = histogram(SamplingParams.sampled(1, 2.0, 1.0, 1), logits, new int[0], 1000);
        assertThat(cold.getOrDefault(0, 0)).isGreaterThan(990);
        assertThat(warm.keySet()).hasSize(3);
        assertThat(Set.copyOf(warm.keySet())).contains(2);
    }
}
