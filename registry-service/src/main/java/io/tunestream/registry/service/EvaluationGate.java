package io.tunestream.registry.service;

import io.tunestream.events.GateDecision;
import io.tunestream.events.GateDecision.EvaluationSet;
import io.tunestream.events.GateDecision.FamilyFigures;
import io.tunestream.events.GateEvaluation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The promotion gate on an evaluation set: candidate and parent answered the same verifiable questions greedily, and
 * the candidate is promoted only when
 * <ol>
 * <li>it answered more items right than the parent (a tie never promotes, nor does a regression) and its accuracy
 *     gain is at least the policy's margin,</li>
 * <li>the gain is significant: an exact one-sided sign test (exact McNemar) on the discordant items,
 *     {@code p = P(X >= candidateOnly)} with {@code X ~ Binomial(candidateOnly + parentOnly, 1/2)}, is at most alpha,</li>
 * <li>no task family's accuracy drops by more than the policy's tolerance.</li>
 * </ol>
 * The evaluation must be of the policy's set (dataset and version): figures from another set were never compared with
 * what the policy asks for, so they reject.
 *
 * <p>Every comparison is exact: accuracies are compared as counts ({@code (cc - pc) >= margin * items} in decimal), and
 * the p-value's comparison with alpha uses the binomial tail as an integer ({@code tail <= alpha * 2^n}), so neither a
 * double's rounding nor an overflow of {@code 2^n} can flip a decision (up to {@link #EXACT_LIMIT} discordant items;
 * beyond, log space). Pure logic, no state.
 */
public final class EvaluationGate {

    /** Accuracies and changes in reasons: 4 decimals are finer than one item in 10,000. */
    private static final int REASON_DECIMALS = 4;

    private EvaluationGate() {}

    /**
     * @param policy the model's policy; its evaluation set must not be null
     * @param evaluation candidate and parent on an evaluation set, or null when the trained model came without one
     */
    public static PromotionRule.Verdict decide(GatePolicy policy, GateEvaluation evaluation) {
        EvaluationSet expected = policy.evaluationSet();
        if (expected == null) {
            throw new IllegalArgumentException("the evaluation gate needs a policy that names an evaluation set");
        }
        if (evaluation == null) {
            GateDecision gate = PromotionRule.policyOnly(
                    GateDecision.RULE_EVALUATION_SET, false, List.of(GateDecision.CHECK_MISSING_EVALUATION), policy);
            return PromotionRule.Verdict.reject(
                    "the policy names evaluation set " + expected.label()
                            + ", but the trained model came without an evaluation on it: not compared with its parent",
                    gate);
        }
        EvaluationSet evaluated = new EvaluationSet(evaluation.dataset(), evaluation.version(), evaluation.sha256());
        if (!evaluation.dataset().equals(expected.dataset()) || evaluation.version() != expected.version()) {
            GateDecision gate = new GateDecision(
                    GateDecision.RULE_EVALUATION_SET,
                    false,
                    List.of(GateDecision.CHECK_EVALUATION_SET),
                    expected,
                    evaluated,
                    evaluation.items(),
                    evaluation.candidateCorrect(),
                    evaluation.parentCorrect(),
                    evaluation.candidateAccuracy(),
                    evaluation.parentAccuracy(),
                    evaluation.candidateOnly(),
                    evaluation.parentOnly(),
                    null,
                    policy.alpha(),
                    policy.margin(),
                    policy.familyTolerance(),
                    null,
                    null,
                    null,
                    null);
            return PromotionRule.Verdict.reject(
                    "evaluated on " + evaluated.label() + ", but the policy names evaluation set " + expected.label()
                            + ": not measured on the policy's set",
                    gate);
        }

        int items = evaluation.items();
        int gain = evaluation.candidateCorrect() - evaluation.parentCorrect();
        List<String> failed = new ArrayList<>();
        List<String> why = new ArrayList<>();
        // A regression is below any margin (margins are >= 0), so it fails as "no gain" only, not twice.
        boolean marginMet = BigDecimal.valueOf(gain)
                        .compareTo(BigDecimal.valueOf(policy.margin()).multiply(BigDecimal.valueOf(items)))
                >= 0;
        if (gain <= 0) {
            failed.add(GateDecision.CHECK_NO_GAIN);
            why.add(
                    gain == 0
                            ? "a tie never promotes (" + evaluation.candidateCorrect() + " right each)"
                            : "below the parent (" + evaluation.candidateCorrect() + " vs " + evaluation.parentCorrect()
                                    + " right)");
        } else if (!marginMet) {
            failed.add(GateDecision.CHECK_MARGIN);
            why.add("the gain is below the margin");
        }
        SignTest signTest = signTest(evaluation.candidateOnly(), evaluation.parentOnly(), policy.alpha());
        double pValue = signTest.pValue();
        boolean significant = signTest.significant();
        if (!significant) {
            failed.add(GateDecision.CHECK_SIGNIFICANCE);
            why.add("not significant");
        }
        Map<String, FamilyFigures> families = new TreeMap<>();
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<String, GateEvaluation.FamilyResult> entry :
                evaluation.families().entrySet()) {
            GateEvaluation.FamilyResult family = entry.getValue();
            int drop = family.parentCorrect() - family.candidateCorrect();
            boolean within = BigDecimal.valueOf(drop)
                            .compareTo(BigDecimal.valueOf(policy.familyTolerance())
                                    .multiply(BigDecimal.valueOf(family.items())))
                    <= 0;
            families.put(
                    entry.getKey(),
                    new FamilyFigures(
                            family.items(),
                            family.candidateCorrect(),
                            family.parentCorrect(),
                            family.candidateAccuracy(),
                            family.parentAccuracy(),
                            (double) (family.candidateCorrect() - family.parentCorrect()) / family.items(),
                            within));
            if (!within) {
                dropped.add("family " + entry.getKey() + " " + ratio(family.candidateCorrect(), family.items())
                        + " vs parent " + ratio(family.parentCorrect(), family.items()) + " ("
                        + signedRatio(-drop, family.items()) + ", beyond the tolerance "
                        + plain(policy.familyTolerance())
                        + ")");
            }
        }
        if (!dropped.isEmpty()) {
            failed.add(GateDecision.CHECK_FAMILY);
            why.add("a family dropped beyond the tolerance");
        }

        StringBuilder reason = new StringBuilder("evaluation ")
                .append(expected.label())
                .append(" (")
                .append(items)
                .append(" items): exact match ")
                .append(ratio(evaluation.candidateCorrect(), items))
                .append(" vs parent ")
                .append(ratio(evaluation.parentCorrect(), items))
                .append(" (")
                .append(signedRatio(gain, items))
                .append(marginMet ? " >= margin " : " < margin ")
                .append(plain(policy.margin()))
                .append("), ")
                .append(evaluation.candidateOnly())
                .append(" vs ")
                .append(evaluation.parentOnly())
                .append(" discordant, one-sided sign test p=")
                .append(formatPValue(pValue, policy.alpha()))
                .append(significant ? " <= alpha " : " > alpha ")
                .append(plain(policy.alpha()))
                .append(", ");
        if (dropped.isEmpty()) {
            reason.append(
                    families.isEmpty()
                            ? "no families"
                            : "no family dropped by more than " + plain(policy.familyTolerance()));
        } else {
            reason.append(String.join(", ", dropped));
        }
        reason.append(": ").append(failed.isEmpty() ? "a significant gain, promoted" : String.join("; ", why));

        GateDecision gate = new GateDecision(
                GateDecision.RULE_EVALUATION_SET,
                failed.isEmpty(),
                failed,
                expected,
                evaluated,
                items,
                evaluation.candidateCorrect(),
                evaluation.parentCorrect(),
                evaluation.candidateAccuracy(),
                evaluation.parentAccuracy(),
                evaluation.candidateOnly(),
                evaluation.parentOnly(),
                pValue,
                policy.alpha(),
                policy.margin(),
                policy.familyTolerance(),
                families,
                null,
                null,
                null);
        return failed.isEmpty()
                ? PromotionRule.Verdict.promote(reason.toString(), gate)
                : PromotionRule.Verdict.reject(reason.toString(), gate);
    }

    /**
     * Discordant items up to which the tail is summed in exact integers. The integer sum costs about n^2/2 word
     * operations (a few milliseconds for a thousand items, about 0.1 s for 10,000); beyond, the same sum in log space
     * is as good for any decision (relative error below 1e-9) and stays linear.
     */
    static final int EXACT_LIMIT = 10_000;

    /**
     * The exact one-sided sign test: {@code p = P(X >= candidateOnly)} for {@code X ~ Binomial(n, 1/2)},
     * {@code n = candidateOnly + parentOnly} (1 when there are no discordant items), and whether {@code p <= alpha}.
     * Up to {@link #EXACT_LIMIT} discordant items both are exact: the tail is an integer, compared with
     * {@code alpha * 2^n} in integers, and the p-value is that integer scaled by {@code 2^-n} (no overflow: the scaling
     * is on the exponent). Beyond, {@link #logSpacePValue}.
     */
    public static SignTest signTest(int candidateOnly, int parentOnly, double alpha) {
        int n = checkedDiscordant(candidateOnly, parentOnly);
        if (n > EXACT_LIMIT) {
            double p = logSpacePValue(candidateOnly, n);
            return new SignTest(p, p <= alpha);
        }
        BigInteger tail = upperTail(candidateOnly, n);
        // tail / 2^n <= alpha  <=>  tail * 10^scale <= unscaled(alpha) * 2^n, with alpha = unscaled * 10^-scale.
        BigDecimal exactAlpha = BigDecimal.valueOf(alpha);
        boolean significant = exactAlpha.scale() >= 0
                ? tail.multiply(BigInteger.TEN.pow(exactAlpha.scale()))
                                .compareTo(exactAlpha.unscaledValue().shiftLeft(n))
                        <= 0
                : new BigDecimal(tail).compareTo(exactAlpha.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(n)))) <= 0;
        return new SignTest(scaledByTwoToThe(tail, -n), significant);
    }

    /** {@link #signTest}'s p-value. */
    public static double signTestPValue(int candidateOnly, int parentOnly) {
        return signTest(candidateOnly, parentOnly, 0.5).pValue();
    }

    /** {@link #signTest}'s comparison with alpha. */
    public static boolean significant(int candidateOnly, int parentOnly, double alpha) {
        return signTest(candidateOnly, parentOnly, alpha).significant();
    }

    /** The sign test's p-value and whether it is at most alpha. */
    public record SignTest(double pValue, boolean significant) {}

    /**
     * {@code sum_{k=c}^{n} C(n, k)} in exact integers. Below the middle ({@code 2c <= n}) it is
     * {@code 2^n - sum_{k<c} C(n, k)}, above it {@code sum_{j=0}^{n-c} C(n, j)} (symmetry), so at most n/2+1
     * coefficients are made, each from the previous one: {@code C(n, j+1) = C(n, j) (n-j) / (j+1)}, an exact division.
     */
    static BigInteger upperTail(int c, int n) {
        if (c <= 0) {
            return BigInteger.ONE.shiftLeft(n);
        }
        boolean belowMiddle = 2L * c <= n;
        int last = belowMiddle ? c - 1 : n - c;
        BigInteger sum = BigInteger.ZERO;
        BigInteger coefficient = BigInteger.ONE;
        for (int j = 0; j <= last; j++) {
            sum = sum.add(coefficient);
            coefficient = coefficient.multiply(BigInteger.valueOf(n - j)).divide(BigInteger.valueOf(j + 1));
        }
        return belowMiddle ? BigInteger.ONE.shiftLeft(n).subtract(sum) : sum;
    }

    /** {@code value * 2^exponent} as the nearest double, for integers far beyond a double's range. */
    private static double scaledByTwoToThe(BigInteger value, int exponent) {
        int shift = Math.max(0, value.bitLength() - 64);
        // The top 64 bits keep more precision than a double has; the dropped bits only move it below one ulp.
        return Math.scalb(value.shiftRight(shift).doubleValue(), shift + exponent);
    }

    /**
     * The same tail in log space, for many discordant items: above the middle ({@code 2c > n}) the terms
     * {@code C(n, k) / 2^n} fall from {@code k = c} on, so they are summed relative to the first (each from the previous
     * by the factor {@code (n-k)/(k+1)}) until they no longer change the sum, and the first is
     * {@code exp(ln C(n, c) - n ln 2)}; at or below the middle, {@code 1 - P(X >= n-c+1)} by symmetry.
     */
    static double logSpacePValue(int c, int n) {
        if (c <= 0) {
            return 1.0;
        }
        if (2L * c <= n) {
            return 1.0 - logSpacePValue(n - c + 1, n);
        }
        double logChoose = 0;
        for (int i = 1; i <= n - c; i++) {
            logChoose += Math.log(c + i) - Math.log(i);
        }
        double sum = 0;
        double term = 1;
        for (int k = c; k <= n && term > sum * 1e-18; k++) {
            sum += term;
            term *= (double) (n - k) / (k + 1);
        }
        return Math.exp(logChoose - n * Math.log(2) + Math.log(sum));
    }

    private static int checkedDiscordant(int candidateOnly, int parentOnly) {
        if (candidateOnly < 0 || parentOnly < 0) {
            throw new IllegalArgumentException(
                    "discordant counts must be >= 0, got " + candidateOnly + " and " + parentOnly);
        }
        return Math.addExact(candidateOnly, parentOnly);
    }

    /**
     * The p-value to 3 significant digits, or to more when 3 would print it equal to alpha while it is not (so that
     * "p=0.05 > alpha 0.05" is never written).
     */
    static String formatPValue(double pValue, double alpha) {
        BigDecimal exact = new BigDecimal(pValue);
        for (int digits = 3; digits < 17; digits++) {
            BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (rounded.compareTo(BigDecimal.valueOf(alpha)) != 0 || exact.compareTo(BigDecimal.valueOf(alpha)) == 0) {
                return rounded.stripTrailingZeros().toPlainString();
            }
        }
        return BigDecimal.valueOf(pValue).toPlainString();
    }

    /** {@code count / items} to 4 decimals. */
    private static String ratio(int count, int items) {
        return BigDecimal.valueOf(count)
                .divide(BigDecimal.valueOf(items), REASON_DECIMALS, RoundingMode.HALF_EVEN)
                .stripTrailingZeros()
                .toPlainString();
    }

    /** The same with its sign: {@code +0.04}, {@code -0.1}, {@code +0}. */
    private static String signedRatio(int count, int items) {
        return (count >= 0 ? "+" : "-") + ratio(Math.abs(count), items);
    }

    static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
