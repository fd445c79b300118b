package io.tunestream.gateway.client;

import io.tunestream.gateway.config.GatewayConfig;
import io.tunestream.platform.security.InternalToken;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Sends the internal token, when one is configured, on every typed REST client call, as {@link StreamingProxy} does on
 * the streamed routes: a service given the same token refuses calls without it, so a service port that is reachable
 * by mistake is not an open door. A {@code @Provider} client filter applies to every REST client of the application.
 */
@Provider
public class InternalTokenFilter implements ClientRequestFilter {

    private final GatewayConfig config;

    public InternalTokenFilter(GatewayConfig config) {
        this.config = config;
    }

    @Override
    public void filter(ClientRequestContext request) {
        config.internalToken()
                .filter(token -> !token.isBlank())
                .ifPresent(token -> request.getHeaders().putSingle(InternalToken.HEADER, token));
    }
}
