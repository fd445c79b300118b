package io.tunestream.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Gives the gateway a fresh admin key for the run, as the environment (TUNESTREAM_GATEWAY_ADMIN_KEY) does in
 * production: generated here, so no key is ever written into the repository.
 */
public class AdminKeyResource implements QuarkusTestResourceLifecycleManager {

    private static volatile String token;

    @Override
    public Map<String, String> start() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        token = "ts_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return Map.of("tunestream.gateway.admin-key", token);
    }

    public static String token() {
        return token;
    }

    @Override
    public void stop() {
        token = null;
    }
}
