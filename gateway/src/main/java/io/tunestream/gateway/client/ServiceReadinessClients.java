package io.tunestream.gateway.client;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.tunestream.gateway.config.GatewayConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** One readiness client per configured service, built once from {@link GatewayConfig#services()}. */
@ApplicationScoped
public class ServiceReadinessClients {

    private final Map<String, ServiceReadinessClient> clients = new TreeMap<>();

    public ServiceReadinessClients(GatewayConfig config) {
        long timeoutMillis = config.serviceHealthTimeout().toMillis();
        config.services()
                .forEach((name, uri) -> clients.put(
                        name,
                        QuarkusRestClientBuilder.newBuilder()
                                .baseUri(uri)
                                .connectTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                                .readTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                                .build(ServiceReadinessClient.class)));
    }

    @PreDestroy
    void close() throws Exception {
        for (ServiceReadinessClient client : clients.values()) {
            if (client instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    /** The clients by service name, in name order. */
    public Map<String, ServiceReadinessClient> byService() {
        return clients;
    }
}
