package io.tunestream.dataset.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.platform.storage.Sha256;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EvalSplitTest {

    @Test
    void shouldHoldOutAboutTheFractionAndAlwaysTheSameSamples() {
        long held = IntStream.range(0, 10_000)
                .mapToObj(i -> Sha256.of("sample " + i))
                .filter(hash -> EvalSplit.isEval(hash, 0.1))
                .count();
        assertThat(held).isBetween(900L, 1100L);
        String hash = Sha256.of("sample 7");
        assertThat(EvalSplit.isEval(hash, 0.1)).isEqualTo(EvalSplit.isEval(hash, 0.1));
    }

    @Test
    void shouldHoldOutNothingAtZeroAndEverythingBelowTheBoundary() {
        assertThat(EvalSplit.isEval("f".repeat(64), 0.0)).isFalse();
        assertThat(EvalSplit.isEval("0".repeat(64), 0.001)).isTrue();
        assertThat(EvalSplit.isEval("8" + "0".repeat(63), 0.5)).isFalse();
        assertThat(EvalSplit.isEval("7" + "f".repeat(63), 0.5)).isTrue();
        assertThatThrownBy(() -> EvalSplit.isEval("0".repeat(64), 1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
