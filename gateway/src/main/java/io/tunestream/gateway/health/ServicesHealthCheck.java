package io.tunestream.gateway.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.tunestream.gateway.client.ServiceReadinessClient;
import io.tunestream.gateway.client.ServiceReadinessClients;
import io.tunestream.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when every service behind the gateway reports itself ready: the gateway owns nothing and can answer no API
 * call on its own. The response lists each service's state, so one probe shows where the platform is stuck.
 */
@Readiness
@ApplicationScoped
public class ServicesHealthCheck implements AsyncHealthCheck {

    static final String NAME = "Tunestream services";

    private final ServiceReadinessClients clients;
    private final GatewayConfig config;

    public ServicesHealthCheck(ServiceReadinessClients clients, GatewayConfig config) {
        this.clients = clients;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        List<Uni<ServiceState>> probes = new ArrayList<>();
        clients.byService().forEach((name, client) -> probes.add(probe(name, client)));
        return Uni.join().all(probes).andFailFast().map(states -> {
            HealthCheckResponseBuilder response =
                    HealthCheckResponse.named(NAME).up();
            for (ServiceState state : states) {
                response.withData(state.name(), state.description());
                if (!state.ready()) {
                    response.down();
                }
            }
            return response.build();
        });
    }

    private Uni<ServiceState> probe(String name, ServiceReadinessClient client) {
        String url = config.services().get(name).toString();
        return client.readiness()
                .map(response -> new ServiceState(
                        name, response.getStatus() == 200, "HTTP " + response.getStatus() + " from " + url))
                .ifNoItem()
                .after(config.serviceHealthTimeout())
                .fail()
                .onFailure()
                .recoverWithItem(failure -> new ServiceState(name, false, describe(failure) + " from " + url));
    }

    private static String describe(Throwable failure) {
        if (failure instanceof WebApplicationException web) {
            return "HTTP " + web.getResponse().getStatus();
        }
        return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }

    private record ServiceState(String name, boolean ready, String description) {}
}
