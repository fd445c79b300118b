package io.tunestream.training.registry;

import io.tunestream.platform.security.InternalTokenClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The registry-service's REST API, as far as this service uses it. Package-private: only {@link RegistryClient}
 * calls it, with a timeout and retries around each call, on the URL of {@code tunestream.training.registry.url}, with
 * the internal token that the registry-service requires when the deployment has one.
 */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
@RegisterRestClient(configKey = "registry")
@RegisterProvider(InternalTokenClientFilter.class)
interface RegistryRestClient {

    @GET
    @Path("/{model}/policy")
    PromotionPolicy policy(@PathParam("model") String model);
}
