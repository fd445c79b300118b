package io.tunestream.registry;

/** What the promotion policy decided about a trained version. */
public enum PromotionDecision {
    PROMOTED,
    /** The policy refused it; the version stays registered with the reason. */
    REJECTED,
    /** The model's policy is manual: the version holds {@code candidate} until someone promotes it. */
    AWAITING_MANUAL
}
