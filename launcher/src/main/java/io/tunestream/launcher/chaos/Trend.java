package io.tunestream.launcher.chaos;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a series sampled once a minute grows: the least-squares slope over the samples after a warm-up (the first
 * quarter: caches fill, the JIT compiles), projected over that window and compared with the window's mean. A series
 * that grows by more than {@code tolerance} of its mean across the window is a trend (a leak, in RSS or descriptors).
 */
public final class Trend {

    /** Fewer samples after the warm-up than this, and no trend is claimed either way. */
    static final int MIN_SAMPLES = 4;

    private Trend() {}

    /**
     * @param growth the fitted change across the window, as a fraction of the window's mean (0.1 = 10 %)
     * @param growing whether it exceeds the tolerance
     */
    public record Verdict(double growth, boolean growing) {

        public String describe() {
            return String.format(Locale.ROOT, "%+.1f%%%s", growth * 100, growing ? " GROWING" : "");
        }
    }

    /** The verdict on {@code values} (one per sample), or empty when too few samples remain after the warm-up. */
    public static Optional<Verdict> of(List<Double> values, double tolerance) {
        int skip = values.size() / 4;
        List<Double> window = values.subList(skip, values.size());
        int n = window.size();
        if (n < MIN_SAMPLES) {
            return Optional.empty();
        }
        double meanX = (n - 1) / 2.0;
        double meanY =
                window.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < n; i++) {
            covariance += (i - meanX) * (window.get(i) - meanY);
            variance += (i - meanX) * (i - meanX);
        }
        double slope = covariance / variance;
        if (meanY == 0) {
            return Optional.of(new Verdict(slope == 0 ? 0 : Double.POSITIVE_INFINITY, slope > 0));
        }
        double growth = slope * (n - 1) / meanY;
        return Optional.of(new Verdict(growth, growth > tolerance));
    }
}
