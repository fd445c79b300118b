package io.tunestream.gateway.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tunestream.gateway.service.ApiKeyService.KeyGrant;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Usage per key on {@code /q/metrics}: requests by key, route and status, refusals by the rate limits, and generated
 * tokens. The key is labelled by its name and id, never by anything secret; the route is the template
 * ({@code /api/v1/datasets/{name}}), so labels stay bounded.
 */
@ApplicationScoped
public class UsageMetrics {

    public static final String ANONYMOUS = "anonymous";
    private final MeterRegistry registry;

    public UsageMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void request(KeyGrant key, String method, String route, int status) {
        Counter.builder("tunestream.gateway.requests")
                .description("API requests by key, route and status")
                .tag("key", label(key))
                .tag("method", method)
                .tag("route", route)
                .tag("status", String.valueOf(status))
                .register(registry)
                .increment();
    }

    public void rateLimited(KeyGrant key, String limit) {
        Counter.builder("tunestream.gateway.rate.limited")
                .description("Requests refused with 429, by key and limit")
                .tag("key", label(key))
                .tag("limit", limit)
                .register(registry)
                .increment();
    }

    public void generatedTokens(KeyGrant key, long tokens) {
        Counter.builder("tunestream.gateway.generated.tokens")
                .description("Tokens generated through the OpenAI API, by key")
                .tag("key", label(key))
                .register(registry)
                .increment(tokens);
    }

    static String label(KeyGrant key) {
        return key == null ? ANONYMOUS : key.name() + "#" + key.id();
    }
}
