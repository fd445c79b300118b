package io.tunestream.gateway.service;

import java.time.Duration;

/**
 * A token bucket: holds up to {@code capacity} tokens, refilled continuously at {@code refillPerSecond}. A take that
 * does not fit is refused with the wait until it would; a charge may drive the bucket below zero (tokens generated
 * beyond the budget are paid back before the next request is admitted).
 */
final class TokenBucket {

    private final double capacity;
    private final double refillPerSecond;
    private double available;
    private long lastRefillNanos;

    TokenBucket(double capacity, double refillPerSecond, long nowNanos) {
        if (capacity <= 0 || refillPerSecond <= 0) {
            throw new IllegalArgumentException("a token bucket needs a positive capacity and refill rate, got "
                    + capacity + " and " + refillPerSecond);
        }
        this.capacity = capacity;
        this.refillPerSecond = refillPerSecond;
        this.available = capacity;
        this.lastRefillNanos = nowNanos;
    }

    /** Takes {@code tokens} if they are there; otherwise takes nothing and returns how long until they would be. */
    synchronized Duration tryTake(double tokens, long nowNanos) {
        refill(nowNanos);
        if (available >= tokens) {
            available -= tokens;
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((tokens - available) / refillPerSecond * 1e9));
    }

    /** How long until the bucket holds at least {@code tokens}, taking nothing. */
    synchronized Duration waitFor(double tokens, long nowNanos) {
        refill(nowNanos);
        return available >= tokens
                ? Duration.ZERO
                : Duration.ofNanos((long) Math.ceil((tokens - available) / refillPerSecond * 1e9));
    }

    synchronized void charge(double tokens, long nowNanos) {
        refill(nowNanos);
        available -= tokens;
    }

    private void refill(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - lastRefillNanos);
        available = Math.min(capacity, available + elapsed / 1e9 * refillPerSecond);
        lastRefillNanos = nowNanos;
    }
}
