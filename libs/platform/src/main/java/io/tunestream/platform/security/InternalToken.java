package io.tunestream.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The shared secret between the gateway and the services: a service given one ({@value #PROPERTY}, from
 * {@code TUNESTREAM_INTERNAL_TOKEN}) answers only requests that carry it in {@value #HEADER}, so that a service port
 * reachable by mistake is not an open door. Only the gateway and the services hold it; a client never sees it.
 */
public final class InternalToken {

    /** The header that carries the token from the gateway (or a service calling another) to a service. */
    public static final String HEADER = "X-Tunestream-Internal-Token";

    /** The configuration key of the token; unset or blank, no token is required and none is sent. */
    public static final String PROPERTY = "tunestream.internal-token";

    private InternalToken() {}

    /** The configured token, if any (a blank value counts as none). */
    public static Optional<String> configured() {
        return ConfigProvider.getConfig()
                .getOptionalValue(PROPERTY, String.class)
                .map(String::strip)
                .filter(token -> !token.isEmpty());
    }

    /**
     * Whether {@code presented} is {@code expected}, in time that does not depend on where they differ: both are
     * hashed first, so neither their contents nor the expected token's length leak through the comparison's time.
     */
    public static boolean matches(String expected, String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(expected), sha256(presented));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
