package io.tunestream.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrendTest {

    @Test
    void aSteadySeriesAfterItsWarmUpIsNoTrend() {
        // Warm-up from 100 to 300, then flat with noise.
        List<Double> rss = List.of(100.0, 200.0, 300.0, 310.0, 305.0, 312.0, 308.0, 311.0, 306.0, 309.0, 310.0, 307.0);
        Trend.Verdict verdict = Trend.of(rss, 0.2).orElseThrow();
        assertThat(verdict.growing()).isFalse();
        assertThat(Math.abs(verdict.growth())).isLessThan(0.05);
    }

    @Test
    void aSeriesThatKeepsGrowingIsATrend() {
        List<Double> rss = List.of(300.0, 320.0, 340.0, 360.0, 380.0, 400.0, 420.0, 440.0);
        Trend.Verdict verdict = Trend.of(rss, 0.2).orElseThrow();
        assertThat(verdict.growing()).isTrue();
        assertThat(verdict.growth()).isGreaterThan(0.2);
        assertThat(verdict.describe()).contains("GROWING");
    }

    @Test
    void tooFewSamplesClaimNothing() {
        assertThat(Trend.of(List.of(1.0, 2.0, 3.0, 4.0), 0.2)).isEmpty();
    }
}
