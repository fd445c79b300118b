package io.tunestream.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunestream.events.GateDecision;
import io.tunestream.events.GateDecision.EvaluationSet;
import io.tunestream.events.GateEvaluation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The automatic promotion rule: stale parents, first versions, the dispatch to the evaluation gate, and the fallback on
 * the training job's eval metric when the policy names no evaluation set. Not a @QuarkusTest: a pure function.
 */
class PromotionRuleTest {

    private static final String METRIC = "eval/exact_match";
    private static final String SHA = "8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c";

    private static PromotionRule.Verdict fallback(
            Map<String, Double> candidate,
            Map<String, Double> parent,
            double margin,
            Integer parentVersion,
            Integer productionVersion) {
        return PromotionRule.decide(
                GatePolicy.withoutEvaluationSet(margin),
                METRIC,
                candidate,
                parent,
                null,
                parentVersion,
                productionVersion);
    }

    @Test
    void shouldFallBackToTheEvalMetricAndPromoteACandidateStrictlyAboveItsParentPlusTheMargin() {
        PromotionRule.Verdict verdict = fallback(Map.of(METRIC, 0.62), Map.of(METRIC, 0.55), 0.01, 3, 3);

        assertThat(verdict.promote()).isTrue();
        assertThat(verdict.reason())
                .isEqualTo("no evaluation set in the policy: fell back to eval/exact_match 0.62"
                        + " >= parent 0.55 + margin 0.01, strictly above the parent");
        assertThat(verdict.gate())
                .isEqualTo(new GateDecision(
                        GateDecision.RULE_EVAL_METRIC,
                        true,
                        List.of(),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        0.01,
                        null,
                        null,
                        METRIC,
                        0.62,
                        0.55));
    }

    @Test
    void shouldRejectACandidateBelowItsParentPlusTheMarginAndSayWhy() {
        PromotionRule.Verdict verdict = fallback(Map.of(METRIC, 0.41), Map.of(METRIC, 0.45), 0.01, 3, 3);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason())
                .isEqualTo("no evaluation set in the policy: fell back to eval/exact_match 0.41"
                        + " < parent 0.45 + margin 0.01");
        assertThat(verdict.gate().failedChecks()).containsExactly(GateDecision.CHECK_NO_GAIN);
    }

    @Test
    void shouldRejectAGainBelowTheMargin() {
        PromotionRule.Verdict verdict = fallback(Map.of(METRIC, 0.455), Map.of(METRIC, 0.45), 0.01, 3, 3);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.gate().failedChecks()).containsExactly(GateDecision.CHECK_MARGIN);
    }

    @Test
    void shouldPromoteACandidateExactlyAtTheThresholdDespiteBinaryFloatingPoint() {
        // 0.45 + 0.01 is 0.46000000000000002 in doubles; "at least" must still hold for 0.46.
        assertThat(fallback(Map.of(METRIC, 0.46), Map.of(METRIC, 0.45), 0.01, 3, 3)
                        .promote())
                .isTrue();
    }

    @Test
    void shouldRejectACandidateOneStepBelowTheThreshold() {
        assertThat(fallback(Map.of(METRIC, 0.4599), Map.of(METRIC, 0.45), 0.01, 3, 3)
                        .promote())
                .isFalse();
    }

    @Test
    void shouldNeverPromoteACandidateEqualToItsParentEvenWithoutAMargin() {
        PromotionRule.Verdict verdict = fallback(Map.of(METRIC, 0.5), Map.of(METRIC, 0.5), 0.0, 3, 3);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason())
                .isEqualTo("no evaluation set in the policy: fell back to eval/exact_match 0.5"
                        + " equal to parent 0.5: a tie never promotes");
        assertThat(verdict.gate().failedChecks()).containsExactly(GateDecision.CHECK_NO_GAIN);
    }

    @Test
    void shouldRejectACandidateWithoutTheEvalMetric() {
        PromotionRule.Verdict verdict = fallback(Map.of("eval/loss", 1.2), Map.of(METRIC, 0.45), 0.0, 3, 3);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason())
                .startsWith("no evaluation set in the policy: fell back to eval/exact_match")
                .contains("the candidate has no finite eval/exact_match");
        assertThat(verdict.gate().failedChecks()).containsExactly(GateDecision.CHECK_METRIC);
    }

    @Test
    void shouldRejectANotANumberMetricAndRecordItAsAbsent() {
        PromotionRule.Verdict verdict = fallback(Map.of(METRIC, Double.NaN), Map.of(METRIC, 0.45), 0.0, 3, 3);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.gate().candidateMetric()).isNull();
        assertThat(verdict.gate().parentMetric()).isEqualTo(0.45);
    }

    @Test
    void shouldRejectWhenTheParentHasNoMetricToCompareWith() {
        PromotionRule.Verdict verdict = fallback(Map.of(METRIC, 0.9), Map.of(), 0.0, 3, 3);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason()).contains("the parent has no finite eval/exact_match");
    }

    @Test
    void shouldRejectACandidateTrainedFromAParentThatIsNoLongerInProduction() {
        PromotionRule.Verdict verdict = fallback(Map.of(METRIC, 0.9), Map.of(METRIC, 0.5), 0.0, 3, 4);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason())
                .isEqualTo("trained from version 3, but production is version 4 now;"
                        + " the candidate was not compared with it");
        assertThat(verdict.gate().failedChecks()).containsExactly(GateDecision.CHECK_STALE_PARENT);
    }

    @Test
    void shouldRejectAStaleCandidateBeforeLookingAtItsEvaluation() {
        GatePolicy policy = new GatePolicy(0.0, new EvaluationSet("tasks-eval", 1), 0.05, 0.02);
        GateEvaluation significant = new GateEvaluation("tasks-eval", 1, SHA, 80, 70, 40, 30, 0, Map.of());

        PromotionRule.Verdict verdict = PromotionRule.decide(policy, METRIC, Map.of(), Map.of(), significant, 3, 4);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.gate().rule()).isEqualTo(GateDecision.RULE_EVALUATION_SET);
        assertThat(verdict.gate().failedChecks()).containsExactly(GateDecision.CHECK_STALE_PARENT);
        assertThat(verdict.gate().evaluationSet()).isEqualTo(new EvaluationSet("tasks-eval", 1));
    }

    @Test
    void shouldPromoteTheFirstVersionOfAModelWithNothingToCompareWith() {
        PromotionRule.Verdict verdict = fallback(Map.of(METRIC, 0.3), Map.of(), 0.0, null, null);

        assertThat(verdict.promote()).isTrue();
        assertThat(verdict.reason()).contains("no parent and no production version");
        assertThat(verdict.gate().rule()).isEqualTo(GateDecision.RULE_FIRST_VERSION);
    }

    @Test
    void shouldDecideOnTheEvaluationSetWhenThePolicyNamesOneAndIgnoreTheEvalMetric() {
        GatePolicy policy = new GatePolicy(0.0, new EvaluationSet("tasks-eval", 1), 0.05, 0.02);
        GateEvaluation tie = new GateEvaluation("tasks-eval", 1, SHA, 80, 48, 48, 0, 0, Map.of());

        // The job's own metric says the candidate is far better; the evaluation set says it is a tie.
        PromotionRule.Verdict verdict =
                PromotionRule.decide(policy, METRIC, Map.of(METRIC, 0.9), Map.of(METRIC, 0.1), tie, 3, 3);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason()).startsWith("evaluation tasks-eval/1 (80 items): exact match 0.6 vs parent 0.6");
        assertThat(verdict.gate().evalMetric()).isNull();
    }
}
