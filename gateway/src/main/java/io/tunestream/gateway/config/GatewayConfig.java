package io.tunestream.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** Configuration of the gateway, the platform's front door. */
@ConfigMapping(prefix = "tunestream.gateway")
public interface GatewayConfig {

    /**
     * Base URLs of the services behind the gateway, by name ({@code dataset}, {@code generation}, {@code training},
     * {@code registry}).
     */
    Map<String, URI> services();

    /** How long the readiness check waits for a service's own readiness before counting it down. */
    @WithDefault("2s")
    Duration serviceHealthTimeout();
}
