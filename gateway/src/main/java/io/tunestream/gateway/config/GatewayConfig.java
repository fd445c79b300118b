package io.tunestream.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

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

    /**
     * The admin key created on start when no key with its hash exists yet ({@code TUNESTREAM_GATEWAY_ADMIN_KEY}): a
     * {@code ts_} token such as {@code ./tunestream up} generates. Set it from the environment or a Kubernetes Secret,
     * never in a file in git. Once revoked it stays revoked, even if the variable is still set.
     */
    Optional<String> adminKey();

    /**
     * How long a key found valid in the database is taken as valid without reading it again: the bound within which a
     * revocation made on another replica takes effect here (on this replica, and for expiries, at once). Zero: every
     * request reads its key from the database.
     */
    @WithDefault("5s")
    Duration keyCacheTtl();

    /** Calls to the services behind the gateway. */
    Upstream upstream();

    /** Per-key rate limits (token buckets), applied unless the key carries its own. */
    RateLimit rateLimit();

    /**
     * The token the gateway sends to the services in {@code X-Tunestream-Internal-Token}
     * ({@code TUNESTREAM_INTERNAL_TOKEN}); the services require it when they are given the same value.
     */
    Optional<String> internalToken();

    interface Upstream {

        /**
         * The largest JSON body the gateway relays whole (every route but dataset uploads and model imports, which
         * stream): a larger one is answered 413 before it is read, where the service would drop the connection, which
         * reads as the service being down. The services' own default limit (Quarkus', 10 MiB).
         */
        @WithDefault("10485760")
        long maxJsonBodyBytes();

        /** The longest wait for a service to accept a connection. */
        @WithDefault("2s")
        Duration connectTimeout();

        /**
         * The longest wait for a service's response headers on a streamed route (upload, download, SSE, inference);
         * the body then streams for as long as it lasts. The JSON routes use the fault-tolerance {@code @Timeout} of
         * their REST client instead.
         */
        @WithDefault("60s")
        Duration responseTimeout();
    }

    interface RateLimit {

        /** Requests per second a key may make on average; the bucket holds one second's worth (at least one). */
        @WithDefault("20")
        double requestsPerSecond();

        /** Generated tokens per minute a key with the {@code inference} scope may consume. */
        @WithDefault("20000")
        long inferenceTokensPerMinute();
    }
}
