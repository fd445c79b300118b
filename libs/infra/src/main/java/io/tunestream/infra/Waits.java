package io.tunestream.infra;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling for a condition with a deadline: how the infrastructure waits for a process to become ready. */
public final class Waits {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private Waits() {}

    /**
     * Polls {@code condition} until it holds.
     *
     * @throws IllegalStateException saying what was awaited when {@code timeout} passes first
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }
}
