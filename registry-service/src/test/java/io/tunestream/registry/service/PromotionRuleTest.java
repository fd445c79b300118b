package io.tunestream.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The automatic promotion rule; not a @QuarkusTest because it is a pure function. */
class PromotionRuleTest {

    private static final String METRIC = "eval/exact_match";

    @Test
    void shouldPromoteACandidateAtLeastAsGoodAsItsParentPlusTheMargin() {
        PromotionRule.Verdict verdict = PromotionRule.decide(METRIC, Map.of(METRIC, 0.62), Map.of(METRIC, 0.55), 0.01, 3, 3);

        assertThat(verdict.promote()).isTrue();
        assertThat(verdict.reason()).isEqualTo("eval/exact_match 0.62 >= parent 0.55 + margin 0.01");
    }

    @Test
    void shouldRejectACandidateBelowItsParentPlusTheMarginAndSayWhy() {
        PromotionRule.Verdict verdict = PromotionRule.decide(METRIC, Map.of(METRIC, 0.41), Map.of(METRIC, 0.45), 0.01, 3, 3);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason()).isEqualTo("eval/exact_match 0.41 < parent 0.45 + margin 0.01");
    }

    @Test
    void shouldPromoteACandidateExactlyAtTheThresholdDespiteBinaryFloatingPoint() {
        // 0.45 + 0.01 is 0.46000000000000002 in doubles; "at least" must still hold for 0.46.
        assertThat(PromotionRule.decide(METRIC, Map.of(METRIC, 0.46), Map.of(METRIC, 0.45), 0.01, 3, 3).promote()).isTrue();
    }

    @Test
    void shouldRejectACandidateOneStepBelowTheThreshold() {
        assertThat(PromotionRule.decide(METRIC, Map.of(METRIC, 0.4599), Map.of(METRIC, 0.45), 0.01, 3, 3).promote())
                .isFalse();
    }

    @Test
    void shouldPromoteAnEqualCandidateWithoutAMargin() {
        assertThat(PromotionRule.decide(METRIC, Map.of(METRIC, 0.5), Map.of(METRIC, 0.5), 0.0, 3, 3).promote()).isTrue();
    }

    @Test
    void shouldRejectACandidateWithoutTheEvalMetric() {
        PromotionRule.Verdict verdict = PromotionRule.decide(METRIC, Map.of("eval/loss", 1.2), Map.of(METRIC, 0.45), 0.0, 3, 3);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason()).contains("the candidate has no finite eval/exact_match");
    }

    @Test
    void shouldRejectANotANumberMetric() {
        assertThat(PromotionRule.decide(METRIC, Map.of(METRIC, Double.NaN), Map.of(METRIC, 0.45), 0.0, 3, 3).promote())
                .isFalse();
    }

    @Test
    void shouldRejectWhenTheParentHasNoMetricToCompareWith() {
        PromotionRule.Verdict verdict = PromotionRule.decide(METRIC, Map.of(METRIC, 0.9), Map.of(), 0.0, 3, 3);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason()).contains("the parent has no finite eval/exact_match");
    }

    @Test
    void shouldRejectACandidateTrainedFromAParentThatIsNoLongerInProduction() {
        PromotionRule.Verdict verdict = PromotionRule.decide(METRIC, Map.of(METRIC, 0.9), Map.of(METRIC, 0.5), 0.0, 3, 4);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason()).isEqualTo("trained from version 3, but production is version 4 now;"
                + " the candidate was not compared with it");
    }

    @Test
    void shouldPromoteTheFirstVersionOfAModelWithNothingToCompareWith() {
        PromotionRule.Verdict verdict = PromotionRule.decide(METRIC, Map.of(METRIC, 0.3), Map.of(), 0.0, null, null);

        assertThat(verdict.promote()).isTrue();
        assertThat(verdict.reason()).contains("no parent and no production version");
    }
}
