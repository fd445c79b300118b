package io.tunestream.gateway.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** The readiness endpoint every Tunestream service exposes; built per service by {@link ServiceReadinessClients}. */
@Path("/q/health/ready")
public interface ServiceReadinessClient {

    @GET
    Uni<Response> readiness();
}
