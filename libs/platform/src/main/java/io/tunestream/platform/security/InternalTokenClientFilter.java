package io.tunestream.platform.security;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

/**
 * Sends the internal token, when the service has one, on the calls of a REST client that another service answers
 * (register it with {@code @RegisterProvider(InternalTokenClientFilter.class)}): the callee requires the same token
 * as every service of the deployment. Not a global {@code @Provider}, so that calls to anything outside the platform
 * never carry the token.
 */
public class InternalTokenClientFilter implements ClientRequestFilter {

    @Override
    public void filter(ClientRequestContext request) {
        InternalToken.configured().ifPresent(token -> request.getHeaders().putSingle(InternalToken.HEADER, token));
    }
}
