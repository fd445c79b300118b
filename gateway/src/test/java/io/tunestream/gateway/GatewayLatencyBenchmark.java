package io.tunestream.gateway;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tunestream.gateway.service.ApiKeyService;
import io.tunestream.testing.PostgresResource;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Opt-in ({@code -Dbenchmark=true}): the latency the gateway adds to a non-streamed completion and to the first
 * chunk of a streamed one, against calling the generation stand-in directly, in the same run and JVM. It prints
 * figures and asserts nothing about them: timings on a shared machine are evidence, not a contract. Run it with
 * {@code -Dtunestream.gateway.key-cache-ttl=0s} for the figures of a gateway that reads every key from the database.
 */
@QuarkusTest
@WithTestResource(ServiceStandIns.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AdminKeyResource.class)
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class GatewayLatencyBenchmark {

    private static final int WARMUP = 50;
    private static final int ROUNDS = 300;
    private static final String CHAT =
            "{\"model\": \"" + ServiceStandIns.MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";

    @Inject
    ApiKeyService keys;

    @ConfigProperty(name = "tunestream.gateway.key-cache-ttl")
    Duration keyCacheTtl;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void measureAddedLatency() throws Exception {
        String key = TestKeys.create(Map.of(
                "name",
                "bench",
                "scopes",
                List.of("inference"),
                "requestsPerSecond",
                100_000,
                "tokensPerMinute",
                100_000_000));
        String gateway = "http://localhost:" + RestAssured.port;
        String direct = ServiceStandIns.url("generation");
        List<Long> gatewayFull = new ArrayList<>();
        List<Long> directFull = new ArrayList<>();
        List<Long> gatewayFirst = new ArrayList<>();
        List<Long> directFirst = new ArrayList<>();
        for (int i = 0; i < WARMUP + ROUNDS; i++) {
            // Alternating gateway and direct calls spreads the machine's noise over both series alike.
            long a = full(gateway, key);
            long b = full(direct, null);
            long c = firstChunk(gateway, key);
            long d = firstChunk(direct, null);
            if (i >= WARMUP) {
                gatewayFull.add(a);
                directFull.add(b);
                gatewayFirst.add(c);
                directFirst.add(d);
            }
        }
        System.out.printf(
                "%nBENCHMARK gateway vs direct, %d rounds after %d warm-up, microseconds, key-cache-ttl %s%n",
                ROUNDS, WARMUP, keyCacheTtl);
        print("non-streamed chat completion", gatewayFull, directFull);
        print("first streamed chunk", gatewayFirst, directFirst);

        // Part of the added time: the key's check alone, in this JVM, read from the database (a query in a
        // transaction, what every request pays with key-cache-ttl=0s) and remembered (none with 0s).
        List<Long> lookup = new ArrayList<>();
        List<Long> remembered = new ArrayList<>();
        for (int i = 0; i < WARMUP + ROUNDS; i++) {
            long started = System.nanoTime();
            keys.authenticate(key).orElseThrow();
            long between = System.nanoTime();
            boolean hit = keys.authenticateFromCache(key).isPresent();
            long ended = System.nanoTime();
            if (i >= WARMUP) {
                lookup.add((between - started) / 1000);
                if (hit) {
                    remembered.add((ended - between) / 1000);
                }
            }
        }
        System.out.printf(
                "BENCHMARK %-30s database median %6d p99 %6d | remembered median %6s p99 %6s%n",
                "key check alone",
                percentile(lookup, 50),
                percentile(lookup, 99),
                remembered.isEmpty() ? "-" : percentile(remembered, 50),
                remembered.isEmpty() ? "-" : percentile(remembered, 99));
    }

    private long full(String base, String key) throws IOException, InterruptedException {
        long started = System.nanoTime();
        HttpResponse<byte[]> response =
                http.send(request(base, key, CHAT + "}"), HttpResponse.BodyHandlers.ofByteArray());
        long elapsed = System.nanoTime() - started;
        check(response.statusCode());
        return elapsed / 1000;
    }

    private long firstChunk(String base, String key) throws IOException, InterruptedException {
        long started = System.nanoTime();
        HttpResponse<InputStream> response =
                http.send(request(base, key, CHAT + ", \"stream\": true}"), HttpResponse.BodyHandlers.ofInputStream());
        check(response.statusCode());
        try (InputStream body = response.body()) {
            if (body.read() < 0) {
                throw new IllegalStateException("empty stream");
            }
            long elapsed = System.nanoTime() - started;
            body.readAllBytes();
            return elapsed / 1000;
        }
    }

    private static HttpRequest request(String base, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return request.build();
    }

    private static void check(int status) {
        if (status != 200) {
            throw new IllegalStateException("HTTP " + status);
        }
    }

    private static void print(String what, List<Long> gateway, List<Long> direct) {
        System.out.printf(
                "BENCHMARK %-30s gateway median %6d p99 %6d | direct median %6d p99 %6d | added median %6d p99 %6d%n",
                what,
                percentile(gateway, 50),
                percentile(gateway, 99),
                percentile(direct, 50),
                percentile(direct, 99),
                percentile(gateway, 50) - percentile(direct, 50),
                percentile(gateway, 99) - percentile(direct, 99));
    }

    private static long percentile(List<Long> values, int percent) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }
}
