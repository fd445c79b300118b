package io.tunestream.registry;

/** How a model's trained candidates reach {@code production}. */
public enum PromotionMode {
    /** A person promotes over REST; a trained version waits under the {@code candidate} alias. */
    MANUAL,
    /**
     * The registry decides ({@code service.PromotionRule}): on the policy's evaluation set (margin, sign test, families)
     * when it names one, else on the training job's eval metric, strictly above the parent and by at least the margin.
     */
    AUTOMATIC
}
