package io.tunestream.training;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry-service stand-in on a real HTTP port, answering {@code GET /models/{model}/policy} as the registry does,
 * for the training-service's REST client: a model named {@code gated-*} has a policy naming the evaluation set
 * {@code {model}-eval} version 1; a model named {@code flaky-*} the same, after a 503 on the first request (a registry
 * restarting); any other model is unknown (404). The policy is derived from the name, so the test needs no shared
 * state with this server. Sets {@code tunestream.training.registry.url} to it.
 */
public class FakeRegistryResource implements QuarkusTestResourceLifecycleManager {

    private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/models/", this::handle);
        server.start();
        return Map.of(
                "tunestream.training.registry.url",
                "http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/");
        // "", "models", "{model}", "policy"
        if (!exchange.getRequestMethod().equals("GET") || parts.length != 4 || !parts[3].equals("policy")) {
            respond(exchange, 404, "{\"message\":\"no such resource\"}");
            return;
        }
        String model = parts[2];
        if (model.startsWith("flaky-") && failedOnce.add(model)) {
            respond(exchange, 503, "{\"message\":\"restarting\"}");
        } else if (model.startsWith("gated-") || model.startsWith("flaky-")) {
            respond(exchange, 200, """
                    {"mode":"automatic","margin":0.0,"evaluationSet":{"dataset":"%s-eval","version":1},\
                    "alpha":0.05,"familyTolerance":0.02}""".formatted(model));
        } else {
            respond(exchange, 404, "{\"message\":\"model " + model + " is not registered\"}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
