package io.tunestream.registry.service;

import io.tunestream.events.GateDecision;
import io.tunestream.events.GateEvaluation;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The automatic promotion policy, in this order:
 * <ol>
 * <li>A candidate trained from a parent that no longer holds {@code production} is rejected: it was never compared
 *     with the current production version (it stays registered and can still be promoted by hand).</li>
 * <li>A model with neither parent nor production version promotes its first trained version: there is nothing to
 *     protect.</li>
 * <li>When the policy names an evaluation set, the {@link EvaluationGate} decides on the candidate's and the parent's
 *     answers to it (margin, sign test, families).</li>
 * <li>Otherwise the rule falls back to the training job's eval metric: the candidate's must be at least the parent's
 *     plus the margin <em>and</em> strictly above the parent's (a tie never promotes), and the reason says it fell
 *     back.</li>
 * </ol>
 *
 * <p>Decimal arithmetic, not doubles: with doubles {@code 0.45 + 0.01} is {@code 0.46000000000000002}, and a candidate
 * scoring exactly {@code 0.46} would be rejected although the policy says "at least".
 */
public final class PromotionRule {

    static final String FALLBACK = "no evaluation set in the policy: fell back to ";

    private PromotionRule() {}

    /**
     * @param policy            the model's margin, evaluation set, alpha and family tolerance
     * @param evalMetric        the training job's metric, e.g. {@code eval/exact_match}
     * @param candidateMetrics  the candidate's metrics
     * @param parentMetrics     the parent's metrics on the same split
     * @param evaluation        candidate and parent on an evaluation set, or null when the job sent none
     * @param parentVersion     the version training started from, or null
     * @param productionVersion the version holding {@code production} now, or null
     */
    public static Verdict decide(
            GatePolicy policy,
            String evalMetric,
            Map<String, Double> candidateMetrics,
            Map<String, Double> parentMetrics,
            GateEvaluation evaluation,
            Integer parentVersion,
            Integer productionVersion) {
        String rule = policy.evaluationSet() != null ? GateDecision.RULE_EVALUATION_SET : GateDecision.RULE_EVAL_METRIC;
        if (parentVersion != null && productionVersion != null && !parentVersion.equals(productionVersion)) {
            return Verdict.reject(
                    "trained from version " + parentVersion + ", but production is version " + productionVersion
                            + " now; the candidate was not compared with it",
                    policyOnly(rule, false, List.of(GateDecision.CHECK_STALE_PARENT), policy));
        }
        if (parentVersion == null && productionVersion == null) {
            Double candidate = candidateMetrics.get(evalMetric);
            return Verdict.promote(
                    "the first trained version: no parent and no production version to compare with"
                            + (candidate == null || !Double.isFinite(candidate)
                                    ? ""
                                    : " (" + evalMetric + " " + plain(candidate) + ")"),
                    policyOnly(GateDecision.RULE_FIRST_VERSION, true, List.of(), policy));
        }
        if (policy.evaluationSet() != null) {
            return EvaluationGate.decide(policy, evaluation);
        }
        return onEvalMetric(policy.margin(), evalMetric, candidateMetrics, parentMetrics);
    }

    /** The fallback: today's rule on the job's eval metric, with ties refused. */
    private static Verdict onEvalMetric(
            double margin, String evalMetric, Map<String, Double> candidateMetrics, Map<String, Double> parentMetrics) {
        Double candidate = candidateMetrics.get(evalMetric);
        Double parent = parentMetrics.get(evalMetric);
        if (candidate == null || !Double.isFinite(candidate)) {
            return Verdict.reject(
                    FALLBACK + evalMetric + ", but the candidate has no finite " + evalMetric + " (its metrics: "
                            + candidateMetrics.keySet() + ")",
                    metricGate(false, List.of(GateDecision.CHECK_METRIC), margin, evalMetric, candidate, parent));
        }
        if (parent == null || !Double.isFinite(parent)) {
            return Verdict.reject(
                    FALLBACK + evalMetric + ", but the parent has no finite " + evalMetric
                            + " to compare with (its metrics: " + parentMetrics.keySet() + ")",
                    metricGate(false, List.of(GateDecision.CHECK_METRIC), margin, evalMetric, candidate, parent));
        }
        BigDecimal candidateValue = BigDecimal.valueOf(candidate);
        BigDecimal parentValue = BigDecimal.valueOf(parent);
        String figures = FALLBACK + evalMetric + " " + plain(candidate);
        String comparison = " parent " + plain(parent) + " + margin " + plain(margin);
        int versusParent = candidateValue.compareTo(parentValue);
        if (versusParent == 0) {
            return Verdict.reject(
                    figures + " equal to parent " + plain(parent) + ": a tie never promotes",
                    metricGate(false, List.of(GateDecision.CHECK_NO_GAIN), margin, evalMetric, candidate, parent));
        }
        if (versusParent < 0) {
            return Verdict.reject(
                    figures + " <" + comparison,
                    metricGate(false, List.of(GateDecision.CHECK_NO_GAIN), margin, evalMetric, candidate, parent));
        }
        if (candidateValue.compareTo(parentValue.add(BigDecimal.valueOf(margin))) >= 0) {
            return Verdict.promote(
                    figures + " >=" + comparison + ", strictly above the parent",
                    metricGate(true, List.of(), margin, evalMetric, candidate, parent));
        }
        return Verdict.reject(
                figures + " <" + comparison,
                metricGate(false, List.of(GateDecision.CHECK_MARGIN), margin, evalMetric, candidate, parent));
    }

    private static GateDecision metricGate(
            boolean promote, List<String> failed, double margin, String evalMetric, Double candidate, Double parent) {
        return new GateDecision(
                GateDecision.RULE_EVAL_METRIC,
                promote,
                failed,
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
                margin,
                null,
                null,
                evalMetric,
                finiteOrNull(candidate),
                finiteOrNull(parent));
    }

    /** A decision taken before any figures were compared: the policy's settings only. */
    static GateDecision policyOnly(String rule, boolean promote, List<String> failed, GatePolicy policy) {
        boolean evaluationSet = policy.evaluationSet() != null;
        return new GateDecision(
                rule,
                promote,
                failed,
                policy.evaluationSet(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                evaluationSet ? policy.alpha() : null,
                policy.margin(),
                evaluationSet ? policy.familyTolerance() : null,
                null,
                null,
                null,
                null);
    }

    /** JSON has no NaN or infinity; a metric that is not finite is recorded as absent (the reason names it). */
    private static Double finiteOrNull(Double value) {
        return value == null || !Double.isFinite(value) ? null : value;
    }

    private static String plain(double value) {
        return EvaluationGate.plain(value);
    }

    /** Whether to promote, why (kept with the version and sent in the event), and the figures it was decided on. */
    public record Verdict(boolean promote, String reason, GateDecision gate) {

        static Verdict promote(String reason, GateDecision gate) {
            return new Verdict(true, reason, gate);
        }

        static Verdict reject(String reason, GateDecision gate) {
            return new Verdict(false, reason, gate);
        }
    }
}
