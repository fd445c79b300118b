package io.tunestream.gateway.service;

import io.tunestream.gateway.config.GatewayConfig;
import io.tunestream.gateway.service.ApiKeyService.KeyGrant;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key token buckets: requests per second for every route, generated tokens per minute for inference.
 *
 * <p>The buckets live in this replica's memory: with N gateway replicas behind a load balancer a key gets up to N
 * times its rate. That is the usual trade for keeping a database or cache round trip off every request; a shared
 * limit needs a shared store.
 */
@ApplicationScoped
public class RateLimiter {

    private final GatewayConfig.RateLimit defaults;
    private final Map<Long, TokenBucket> requests = new ConcurrentHashMap<>();
    private final Map<Long, TokenBucket> inferenceTokens = new ConcurrentHashMap<>();

    public RateLimiter(GatewayConfig config) {
        this.defaults = config.rateLimit();
    }

    /** Admits one request of the key, or returns how long it must wait. */
    public Duration admitRequest(KeyGrant key) {
        return requestBucket(key).tryTake(1, System.nanoTime());
    }

    /** Zero when the key has generated-token budget left, else how long until it has. */
    public Duration inferenceWait(KeyGrant key) {
        return tokenBucket(key).waitFor(1, System.nanoTime());
    }

    /** Counts tokens a completion generated against the key's budget. */
    public void chargeGeneratedTokens(KeyGrant key, long tokens) {
        if (tokens > 0) {
            tokenBucket(key).charge(tokens, System.nanoTime());
        }
    }

    private TokenBucket requestBucket(KeyGrant key) {
        double perSecond = key.requestsPerSecond() != null ? key.requestsPerSecond() : defaults.requestsPerSecond();
        // One second's worth of burst, at least one request, so a key limited below 1/s can still make its call.
        return requests.computeIfAbsent(
                key.id(), id -> new TokenBucket(Math.max(1, perSecond), perSecond, System.nanoTime()));
    }

    private TokenBucket tokenBucket(KeyGrant key) {
        long perMinute = key.tokensPerMinute() != null ? key.tokensPerMinute() : defaults.inferenceTokensPerMinute();
        return inferenceTokens.computeIfAbsent(
                key.id(), id -> new TokenBucket(perMinute, perMinute / 60.0, System.nanoTime()));
    }
}
