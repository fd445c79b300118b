package io.tunestream.llm.training;

import java.util.Locale;

/**
 * The learning rate at each optimizer step: linear warmup from 0, then cosine decay to {@code minRatio} of the peak
 * (the default), linear decay to it, or constant, as Hugging Face's schedulers.
 */
public record LearningRateSchedule(Kind kind, double peak, int warmupSteps, int totalSteps, double minRatio) {

    public enum Kind {
        COSINE,
        LINEAR,
        CONSTANT;

        public static Kind parse(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "learning-rate schedule \"" + name + "\" is not one of cosine, linear, constant", e);
            }
        }
    }

    public LearningRateSchedule {
        if (!(peak > 0) || warmupSteps < 0 || totalSteps < 1 || !(minRatio >= 0 && minRatio <= 1)) {
            throw new IllegalArgumentException(
                    "a schedule needs a positive peak, warmup >= 0, total >= 1 and" + " 0 <= min ratio <= 1");
        }
    }

    /** @param step the optimizer step about to be taken, counting from 0 */
    public double rate(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / (warmupSteps + 1);
        }
        if (kind == Kind.CONSTANT) {
            return peak;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
        double shape = kind == Kind.COSINE ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
        return peak * (minRatio + (1 - minRatio) * shape);
    }
}
