package io.tunestream.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Gives the gateway a fresh admin key and internal token for the run, as the environment
 * (TUNESTREAM_GATEWAY_ADMIN_KEY, TUNESTREAM_INTERNAL_TOKEN) does in production: generated here, so no secret is ever
 * written into the repository.
 */
public class AdminKeyResource implements QuarkusTestResourceLifecycleManager {

    private static volatile String token;
    private static volatile String internalToken;

    @Override
    public Map<String, String> start() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        token = "ts_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        new SecureRandom().nextBytes(bytes);
        internalToken = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        // tunestream.internal-token too, as TUNESTREAM_INTERNAL_TOKEN sets both: the gateway sends it and must not
        // require it of its own clients (the platform's internal-token check is left out of the gateway).
        return Map.of(
                "tunestream.gateway.admin-key",
                token,
                "tunestream.gateway.internal-token",
                internalToken,
                "tunestream.internal-token",
                internalToken);
    }

    public static String token() {
        return token;
    }

    public static String internalToken() {
        return internalToken;
    }

    @Override
    public void stop() {
        token = null;
        internalToken = null;
    }
}
