package io.tunestream.gateway;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tunestream.infra.Ports;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP servers standing in for the services behind the gateway, answering only their readiness endpoint, so that a
 * test controls which of them is ready: the service named by the init argument {@code unready} (if any) answers 503,
 * the one named by {@code unreachable} (if any) gets the address of a closed port, the others answer 200. They are
 * not the services: those have their own tests.
 */
public class ServiceStandIns implements QuarkusTestResourceLifecycleManager {

    private final List<HttpServer> servers = new ArrayList<>();
    private String unready = "";
    private String unreachable = "";

    @Override
    public void init(Map<String, String> initArgs) {
        unready = initArgs.getOrDefault("unready", "");
        unreachable = initArgs.getOrDefault("unreachable", "");
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        for (String service : List.of("dataset", "generation", "training", "registry")) {
            if (service.equals(unreachable)) {
                config.put("tunestream.gateway.services." + service, "http://127.0.0.1:" + Ports.freePort());
                continue;
            }
            int status = service.equals(unready) ? 503 : 200;
            HttpServer server = readinessServer(status);
            servers.add(server);
            config.put(
                    "tunestream.gateway.services." + service,
                    "http://127.0.0.1:" + server.getAddress().getPort());
        }
        return config;
    }

    private static HttpServer readinessServer(int status) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/q/health/ready", exchange -> {
                byte[] body = ("{\"status\":\"" + (status == 200 ? "UP" : "DOWN") + "\",\"checks\":[]}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        servers.forEach(server -> server.stop(0));
    }
}
