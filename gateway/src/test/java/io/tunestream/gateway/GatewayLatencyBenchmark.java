package io.tunestream.gateway;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tunestream.testing.PostgresResource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Opt-in ({@code -Dbenchmark=true}): the latency the gateway adds to a non-streamed completion and to the first
 * chunk of a streamed one, against calling the generation stand-in directly, in the same run and JVM. It prints
 * figures and asserts nothing about them: timings on a shared machine are evidence, not a contract.
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
        System.out.printf("%nBENCHMARK gateway vs direct, %d rounds after %d warm-up, microseconds%n", ROUNDS, WARMUP);
        print("non-streamed chat completion", gatewayFull, directFull);
        print("first streamed chunk", gatewayFirst, directFirst);
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
