package io.tunestream.registry.service;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The automatic promotion policy: a trained candidate is promoted when its eval metric is at least its parent's plus
 * the model's margin, both measured by the training job on the same eval split.
 *
 * <p>Decimal arithmetic, not doubles: with doubles {@code 0.45 + 0.01} is {@code 0.46000000000000002}, and a candidate
 * scoring exactly {@code 0.46} would be rejected although the policy says "at least".
 *
 * <p>The comparison is only meaningful against the version that is in production: a candidate trained from a parent
 * that has since been replaced was never compared with the current production version, so it is rejected (it stays
 * registered and can still be promoted by hand).
 */
public final class PromotionRule {

    private PromotionRule() {
    }

    /**
     * @param evalMetric        the metric to compare, e.g. {@code eval/exact_match}
     * @param candidateMetrics  the candidate's metrics
     * @param parentMetrics     the parent's metrics on the same split
     * @param margin            how much better the candidate must be (0 = at least equal)
     * @param parentVersion     the version training started from, or null
     * @param productionVersion the version holding {@code production} now, or null
     */
    public static Verdict decide(String evalMetric, Map<String, Double> candidateMetrics, Map<String, Double> parentMetrics,
            double margin, Integer parentVersion, Integer productionVersion) {
        if (parentVersion != null && productionVersion != null && !parentVersion.equals(productionVersion)) {
            return Verdict.reject("trained from version " + parentVersion + ", but production is version "
                    + productionVersion + " now; the candidate was not compared with it");
        }
        Double candidate = candidateMetrics.get(evalMetric);
        if (candidate == null || !Double.isFinite(candidate)) {
            return Verdict.reject("the candidate has no finite " + evalMetric + " (its metrics: "
                    + candidateMetrics.keySet() + ")");
        }
        Double parent = parentMetrics.get(evalMetric);
        if (parent == null || !Double.isFinite(parent)) {
            if (parentVersion == null && productionVersion == null) {
                return Verdict.promote(evalMetric + " " + format(candidate)
                        + ": no parent and no production version to compare with");
            }
            return Verdict.reject("the parent has no finite " + evalMetric + " to compare with (its metrics: "
                    + parentMetrics.keySet() + ")");
        }
        BigDecimal required = BigDecimal.valueOf(parent).add(BigDecimal.valueOf(margin));
        String comparison = " parent " + format(parent) + " + margin " + format(margin);
        if (BigDecimal.valueOf(candidate).compareTo(required) >= 0) {
            return Verdict.promote(evalMetric + " " + format(candidate) + " >=" + comparison);
        }
        return Verdict.reject(evalMetric + " " + format(candidate) + " <" + comparison);
    }

    private static String format(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** Whether to promote, and why (kept with the version and sent in the event). */
    public record Verdict(boolean promote, String reason) {

        static Verdict promote(String reason) {
            return new Verdict(true, reason);
        }

        static Verdict reject(String reason) {
            return new Verdict(false, reason);
        }
    }
}
