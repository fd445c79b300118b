package io.tunestream.registry.service;

import io.tunestream.events.GateDecision.EvaluationSet;

/**
 * The figures of a model's automatic promotion policy that decide a candidate.
 *
 * @param margin the least gain (in exact match on the evaluation set, or in the eval metric without one)
 * @param evaluationSet the evaluation set candidates are measured on, or null (then the eval-metric rule applies)
 * @param alpha the significance level of the one-sided sign test, in (0, 1)
 * @param familyTolerance the largest drop of one family's accuracy that still promotes, as a fraction (0.02 = 2 points)
 */
public record GatePolicy(double margin, EvaluationSet evaluationSet, double alpha, double familyTolerance) {

    public static final double DEFAULT_ALPHA = 0.05;
    public static final double DEFAULT_FAMILY_TOLERANCE = 0.02;

    /** A policy without an evaluation set: the eval-metric rule with this margin. */
    public static GatePolicy withoutEvaluationSet(double margin) {
        return new GatePolicy(margin, null, DEFAULT_ALPHA, DEFAULT_FAMILY_TOLERANCE);
    }
}
