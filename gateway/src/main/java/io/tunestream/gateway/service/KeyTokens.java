package io.tunestream.gateway.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API key tokens: {@code ts_} followed by 256 random bits in URL-safe base64 (43 characters).
 *
 * <p>Keys are stored as their SHA-256, not with a slow password hash (bcrypt, Argon2): those exist to make guessing a
 * low-entropy password expensive, but a 256-bit random token cannot be guessed whatever the hash costs, and a fast,
 * deterministic hash lets each request find its key with one indexed lookup instead of trying every stored salt.
 */
public final class KeyTokens {

    public static final String PREFIX = "ts_";
    /** How many leading characters of a key are stored in clear to tell keys apart: {@code ts_} and 5 more. */
    public static final int VISIBLE_PREFIX_LENGTH = 8;

    private static final int RANDOM_BYTES = 32;
    /** The shortest key accepted from configuration: {@code ts_} and at least 128 bits in base64. */
    static final int MINIMUM_LENGTH = PREFIX.length() + 22;

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyTokens() {}

    public static String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether {@code token} looks like a key at all; anything else is rejected before a database lookup. */
    public static boolean wellFormed(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() < MINIMUM_LENGTH || token.length() > 200) {
            return false;
        }
        for (int i = PREFIX.length(); i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    public static String hash(String token) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static String visiblePrefix(String token) {
        return token.substring(0, VISIBLE_PREFIX_LENGTH);
    }
}
