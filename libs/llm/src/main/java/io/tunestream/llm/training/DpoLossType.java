package io.tunestream.llm.training;

import java.util.Locale;

/** The DPO losses of TRL's DPOTrainer. */
public enum DpoLossType {
    /** {@code -log sigmoid(beta h)}, with label smoothing: the DPO paper's loss. */
    SIGMOID,
    /** {@code (h - 1 / (2 beta))^2}: identity preference optimisation (IPO). */
    IPO,
    /** {@code relu(1 - beta h)}: the SLiC hinge loss. */
    HINGE;

    public static DpoLossType parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DPO loss type \"" + name + "\" is not one of sigmoid, ipo, hinge", e);
        }
    }
}
