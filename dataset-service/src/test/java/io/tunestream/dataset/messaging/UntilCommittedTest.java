package io.tunestream.dataset.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UntilCommittedTest {

    @Test
    void anOutageIsWaitedOutAndTheWorkRunsUntilItCommits() {
        AtomicInteger attempts = new AtomicInteger();
        UntilCommitted.retry(
                "test",
                () -> {
                    if (attempts.incrementAndGet() <= 3) {
                        throw new IllegalStateException(
                                "wrapped",
                                new SQLException("terminating connection due to administrator command", "57P01"));
                    }
                },
                Duration.ofMillis(1));
        assertThat(attempts).hasValue(4);
    }

    @Test
    void aFailureThatWillNotPassIsThrownAtOnce() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> UntilCommitted.retry(
                        "test",
                        () -> {
                            attempts.incrementAndGet();
                            throw new IllegalStateException("duplicate", new SQLException("duplicate key", "23505"));
                        },
                        Duration.ofMillis(1)))
                .hasMessage("duplicate");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void onlyFailuresOfAnUnavailableDatabaseAreTransient() {
        assertThat(UntilCommitted.isTransient(new RuntimeException(new SQLException("refused", "08001"))))
                .isTrue();
        assertThat(UntilCommitted.isTransient(new SQLException("not accepting connections", "55000")))
                .isTrue();
        assertThat(UntilCommitted.isTransient(new SQLException("Sorry, acquisition timeout!")))
                .isTrue();
        assertThat(UntilCommitted.isTransient(new SQLException("deadlock", "40P01")))
                .isTrue();
        assertThat(UntilCommitted.isTransient(new SQLException("bad value", "22P02")))
                .isFalse();
        assertThat(UntilCommitted.isTransient(new SQLException("no such column", "42703")))
                .isFalse();
        assertThat(UntilCommitted.isTransient(new IllegalArgumentException("invalid sample")))
                .isFalse();
    }
}
