package io.tunestream.registry;

/** How a model's trained candidates reach {@code production}. */
public enum PromotionMode {
    /** A person promotes over REST; a trained version waits under the {@code candidate} alias. */
    MANUAL,
    /** The registry promotes a candidate whose eval metric is at least its parent's plus the model's margin. */
    AUTOMATIC
}
