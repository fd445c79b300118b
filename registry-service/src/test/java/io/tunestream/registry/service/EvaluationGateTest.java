package io.tunestream.registry.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tunestream.events.GateDecision;
import io.tunestream.events.GateDecision.EvaluationSet;
import io.tunestream.events.GateEvaluation;
import io.tunestream.events.GateEvaluation.FamilyResult;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The promotion gate on an evaluation set and its sign test; pure logic, so not a @QuarkusTest. */
class EvaluationGateTest {

    private static final String SHA = "8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c";
    private static final EvaluationSet TASKS_EVAL_1 = new EvaluationSet("tasks-eval", 1);
    private static final GatePolicy POLICY = new GatePolicy(0.0, TASKS_EVAL_1, 0.05, 0.02);

    private static GateEvaluation evaluation(
            int items,
            int candidateCorrect,
            int parentCorrect,
            int candidateOnly,
            int parentOnly,
            Map<String, FamilyResult> families) {
        return new GateEvaluation(
                "tasks-eval", 1, SHA, items, candidateCorrect, parentCorrect, candidateOnly, parentOnly, families);
    }

    @Test
    void shouldNeverPromoteACandidateEqualToItsParentItemForItem() {
        GateEvaluation tie = evaluation(
                80,
                48,
                48,
                0,
                0,
                Map.of("ADDITION", new FamilyResult(40, 24, 24), "SORT_DIGITS", new FamilyResult(40, 24, 24)));

        PromotionRule.Verdict verdict = EvaluationGate.decide(POLICY, tie);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason())
                .isEqualTo("evaluation tasks-eval/1 (80 items): exact match 0.6 vs parent 0.6"
                        + " (+0 >= margin 0), 0 vs 0 discordant, one-sided sign test p=1 > alpha 0.05, no family dropped by more"
                        + " than 0.02: a tie never promotes (48 right each); not significant");
        GateDecision gate = verdict.gate();
        assertThat(gate.rule()).isEqualTo(GateDecision.RULE_EVALUATION_SET);
        assertThat(gate.failedChecks()).containsExactly(GateDecision.CHECK_NO_GAIN, GateDecision.CHECK_SIGNIFICANCE);
        assertThat(gate.pValue()).isEqualTo(1.0);
        assertThat(gate.candidateOnly()).isZero();
        assertThat(gate.parentOnly()).isZero();
        assertThat(gate.families().get("ADDITION").change()).isZero();
        assertThat(gate.families().get("ADDITION").withinTolerance()).isTrue();
    }

    @Test
    void shouldNeverPromoteATieEvenWhenItsDiscordantItemsBalance() {
        // Same score, different items right: still a tie, and the sign test sees no direction either.
        PromotionRule.Verdict verdict = EvaluationGate.decide(POLICY, evaluation(80, 48, 48, 5, 5, Map.of()));

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.gate().failedChecks()).contains(GateDecision.CHECK_NO_GAIN);
        assertThat(verdict.gate().pValue()).isEqualTo(638.0 / 1024.0);
    }

    @Test
    void shouldRejectAGainThatIsNotSignificantWithItsFiguresInTheReason() {
        GateEvaluation gain = evaluation(
                80,
                52,
                48,
                6,
                2,
                Map.of("ADDITION", new FamilyResult(40, 28, 24), "SORT_DIGITS", new FamilyResult(40, 24, 24)));

        PromotionRule.Verdict verdict = EvaluationGate.decide(POLICY, gain);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason())
                .isEqualTo("evaluation tasks-eval/1 (80 items): exact match 0.65 vs parent 0.6"
                        + " (+0.05 >= margin 0), 6 vs 2 discordant, one-sided sign test p=0.145 > alpha 0.05, no family dropped"
                        + " by more than 0.02: not significant");
        assertThat(verdict.gate().failedChecks()).containsExactly(GateDecision.CHECK_SIGNIFICANCE);
        assertThat(verdict.gate().pValue()).isEqualTo(37.0 / 256.0);
    }

    @Test
    void shouldPromoteASignificantGainWithNoFamilyDropping() {
        GateEvaluation gain = evaluation(
                80,
                58,
                48,
                10,
                0,
                Map.of("ADDITION", new FamilyResult(40, 30, 24), "SORT_DIGITS", new FamilyResult(40, 28, 24)));

        PromotionRule.Verdict verdict = EvaluationGate.decide(POLICY, gain);

        assertThat(verdict.promote()).isTrue();
        assertThat(verdict.reason())
                .isEqualTo("evaluation tasks-eval/1 (80 items): exact match 0.725 vs parent 0.6"
                        + " (+0.125 >= margin 0), 10 vs 0 discordant, one-sided sign test p=0.000977 <= alpha 0.05, no family"
                        + " dropped by more than 0.02: a significant gain, promoted");
        GateDecision gate = verdict.gate();
        assertThat(gate.promote()).isTrue();
        assertThat(gate.failedChecks()).isEmpty();
        assertThat(gate.evaluationSet()).isEqualTo(TASKS_EVAL_1);
        assertThat(gate.evaluated()).isEqualTo(new EvaluationSet("tasks-eval", 1, SHA));
        assertThat(gate.items()).isEqualTo(80);
        assertThat(gate.candidateCorrect()).isEqualTo(58);
        assertThat(gate.parentCorrect()).isEqualTo(48);
        assertThat(gate.candidateAccuracy()).isEqualTo(0.725);
        assertThat(gate.parentAccuracy()).isEqualTo(0.6);
        assertThat(gate.pValue()).isEqualTo(1.0 / 1024);
        assertThat(gate.alpha()).isEqualTo(0.05);
        assertThat(gate.margin()).isZero();
        assertThat(gate.familyTolerance()).isEqualTo(0.02);
        assertThat(gate.families()).containsOnlyKeys("ADDITION", "SORT_DIGITS");
        assertThat(gate.families().get("SORT_DIGITS"))
                .isEqualTo(new GateDecision.FamilyFigures(40, 28, 24, 0.7, 0.6, 0.1, true));
    }

    @Test
    void shouldRejectAGainOverallWhenAFamilyDropsBeyondTheTolerance() {
        // +10 items overall and significant (p = 0.0207), but SORT_DIGITS loses 5 of 50: 10 points.
        GateEvaluation gain = evaluation(
                100,
                80,
                70,
                15,
                5,
                Map.of("ADDITION", new FamilyResult(50, 45, 30), "SORT_DIGITS", new FamilyResult(50, 35, 40)));

        PromotionRule.Verdict verdict = EvaluationGate.decide(POLICY, gain);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason())
                .isEqualTo("evaluation tasks-eval/1 (100 items): exact match 0.8 vs parent 0.7"
                        + " (+0.1 >= margin 0), 15 vs 5 discordant, one-sided sign test p=0.0207 <= alpha 0.05, family"
                        + " SORT_DIGITS 0.7 vs parent 0.8 (-0.1, beyond the tolerance 0.02): a family dropped beyond the"
                        + " tolerance");
        assertThat(verdict.gate().failedChecks()).containsExactly(GateDecision.CHECK_FAMILY);
        assertThat(verdict.gate().families().get("SORT_DIGITS").withinTolerance())
                .isFalse();
        assertThat(verdict.gate().families().get("SORT_DIGITS").change()).isCloseTo(-0.1, Offset.offset(1e-12));
        assertThat(verdict.gate().families().get("ADDITION").withinTolerance()).isTrue();
    }

    @Test
    void shouldAcceptAFamilyDropExactlyAtTheToleranceAndNotOneItemMore() {
        // 1 of 50 is exactly 0.02: "no more than the tolerance" holds, although 0.02 is not exact in binary.
        GateEvaluation atTolerance = evaluation(
                100,
                80,
                70,
                11,
                1,
                Map.of("ADDITION", new FamilyResult(50, 41, 30), "SORT_DIGITS", new FamilyResult(50, 39, 40)));
        GateEvaluation beyond = evaluation(
                100,
                80,
                70,
                12,
                2,
                Map.of("ADDITION", new FamilyResult(50, 42, 30), "SORT_DIGITS", new FamilyResult(50, 38, 40)));

        assertThat(EvaluationGate.decide(POLICY, atTolerance).promote()).isTrue();
        assertThat(EvaluationGate.decide(POLICY, beyond).gate().failedChecks())
                .containsExactly(GateDecision.CHECK_FAMILY);
    }

    @Test
    void shouldRejectARegressionAsBelowTheParent() {
        PromotionRule.Verdict verdict = EvaluationGate.decide(POLICY, evaluation(80, 44, 48, 2, 6, Map.of()));

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason())
                .contains("exact match 0.55 vs parent 0.6 (-0.05 < margin 0)")
                .endsWith(": below the parent (44 vs 48 right); not significant");
        assertThat(verdict.gate().failedChecks())
                .containsExactly(GateDecision.CHECK_NO_GAIN, GateDecision.CHECK_SIGNIFICANCE);
    }

    @Test
    void shouldRejectASignificantGainBelowTheMarginAndHoldTheMarginExactly() {
        GatePolicy margin = new GatePolicy(0.15, TASKS_EVAL_1, 0.05, 0.02);
        PromotionRule.Verdict below = EvaluationGate.decide(margin, evaluation(80, 58, 48, 10, 0, Map.of()));
        assertThat(below.promote()).isFalse();
        assertThat(below.reason()).contains("(+0.125 < margin 0.15)").endsWith(": the gain is below the margin");
        assertThat(below.gate().failedChecks()).containsExactly(GateDecision.CHECK_MARGIN);

        // 12 of 80 is exactly 0.15: at least the margin, although 0.15 is not exact in binary.
        PromotionRule.Verdict at = EvaluationGate.decide(margin, evaluation(80, 60, 48, 12, 0, Map.of()));
        assertThat(at.promote()).isTrue();
        assertThat(at.reason()).contains("(+0.15 >= margin 0.15)");
    }

    @Test
    void shouldRejectAnEvaluationOfAnotherSetThanThePolicys() {
        GateEvaluation otherVersion = new GateEvaluation("tasks-eval", 2, SHA, 80, 70, 40, 30, 0, Map.of());
        GateEvaluation otherDataset = new GateEvaluation("arithmetic-eval", 1, SHA, 80, 70, 40, 30, 0, Map.of());

        PromotionRule.Verdict verdict = EvaluationGate.decide(POLICY, otherVersion);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason())
                .isEqualTo("evaluated on tasks-eval/2, but the policy names evaluation set"
                        + " tasks-eval/1: not measured on the policy's set");
        assertThat(verdict.gate().failedChecks()).containsExactly(GateDecision.CHECK_EVALUATION_SET);
        assertThat(verdict.gate().evaluated()).isEqualTo(new EvaluationSet("tasks-eval", 2, SHA));
        assertThat(verdict.gate().evaluationSet()).isEqualTo(TASKS_EVAL_1);
        assertThat(EvaluationGate.decide(POLICY, otherDataset).gate().failedChecks())
                .containsExactly(GateDecision.CHECK_EVALUATION_SET);
    }

    @Test
    void shouldRejectACandidateThatCameWithoutTheEvaluationThePolicyNames() {
        PromotionRule.Verdict verdict = EvaluationGate.decide(POLICY, null);

        assertThat(verdict.promote()).isFalse();
        assertThat(verdict.reason())
                .isEqualTo("the policy names evaluation set tasks-eval/1, but the trained model came"
                        + " without an evaluation on it: not compared with its parent");
        assertThat(verdict.gate().failedChecks()).containsExactly(GateDecision.CHECK_MISSING_EVALUATION);
        assertThat(verdict.gate().evaluated()).isNull();
    }

    @Test
    void shouldComputeTheExactOneSidedSignTestForKnownBinomialTails() {
        assertThat(EvaluationGate.signTestPValue(6, 2)).isEqualTo(37.0 / 256); // P(X >= 6), X ~ B(8, 1/2)
        assertThat(EvaluationGate.signTestPValue(10, 0)).isEqualTo(1.0 / 1024);
        assertThat(EvaluationGate.signTestPValue(15, 5)).isEqualTo(5425.0 / 262144); // 0.0206947...
        assertThat(EvaluationGate.signTestPValue(9, 3)).isEqualTo(299.0 / 4096);
        assertThat(EvaluationGate.signTestPValue(8, 2)).isEqualTo(7.0 / 128);
        assertThat(EvaluationGate.signTestPValue(60, 40)).isCloseTo(0.028443966820490395, within(1e-15));
        assertThat(EvaluationGate.signTestPValue(0, 0)).isEqualTo(1.0);
        assertThat(EvaluationGate.signTestPValue(0, 5)).isEqualTo(1.0);
        assertThat(EvaluationGate.signTestPValue(1, 0)).isEqualTo(0.5);
    }

    @Test
    void shouldComputeThePValueWithoutOverflowForThousandsOfDiscordantItems() {
        // 2^2000 and C(2000, 1000) are far beyond a double; the reference values are exact fractions (Python).
        assertThat(EvaluationGate.signTestPValue(1040, 960)).isEqualTo(0.03864344528133421);
        assertThat(EvaluationGate.signTestPValue(2600, 2400)).isEqualTo(0.002441824868758759);
        assertThat(EvaluationGate.signTestPValue(960, 1040)).isEqualTo(0.9649595341759587);
    }

    @Test
    void shouldAgreeInLogSpaceWithTheExactSumAndUseItBeyondTheExactLimit() {
        for (int[] counts : new int[][] {{1040, 2000}, {960, 2000}, {1000, 2000}, {15, 20}, {3, 20}, {5100, 10_000}}) {
            double exact = EvaluationGate.signTestPValue(counts[0], counts[1] - counts[0]);
            assertThat(EvaluationGate.logSpacePValue(counts[0], counts[1]))
                    .as("P(X >= %d), n = %d", counts[0], counts[1])
                    .isCloseTo(exact, within(exact * 1e-9));
        }
        // 100,000 discordant items: log space; the reference is the exact integer sum (computed once, slowly).
        assertThat(EvaluationGate.signTestPValue(50_500, 49_500))
                .isCloseTo(7.911799394257978E-4, within(7.9e-4 * 1e-9));
        assertThat(EvaluationGate.signTestPValue(49_000, 51_000)).isCloseTo(1.0, within(1e-9));
        assertThat(EvaluationGate.significant(50_500, 49_500, 0.001)).isTrue();
        assertThat(EvaluationGate.significant(50_500, 49_500, 0.0007)).isFalse();
    }

    @Test
    void shouldCompareThePValueWithAlphaExactlyAtTheBoundary() {
        // P(X >= 9), X ~ B(10, 1/2) = 11/1024 = 0.0107421875 exactly.
        assertThat(EvaluationGate.significant(9, 1, 0.0107421875)).isTrue();
        assertThat(EvaluationGate.significant(9, 1, 0.0107421874)).isFalse();
        assertThat(EvaluationGate.significant(6, 2, 0.14453125)).isTrue();
        assertThat(EvaluationGate.significant(0, 0, 0.999)).isFalse();
    }

    @Test
    void shouldNeverPrintAPValueEqualToAlphaWhenItIsNot() {
        assertThat(EvaluationGate.formatPValue(0.0500004, 0.05)).isEqualTo("0.0500004");
        assertThat(EvaluationGate.formatPValue(0.05, 0.05)).isEqualTo("0.05");
        assertThat(EvaluationGate.formatPValue(37.0 / 256, 0.05)).isEqualTo("0.145");
    }
}
