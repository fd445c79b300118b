package io.tunestream.gateway;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an API key may do. Each scope is a security role of the same name, so every route declares the one it needs
 * with {@code @RolesAllowed}. Scopes do not imply one another: a key is given each scope it needs.
 */
public enum Scope {
    /** Read datasets, pipelines, jobs, models and their files. */
    READ,
    /** Create and change datasets, uploads, pipelines, evaluation sets, jobs and model imports. */
    WRITE,
    /** Decide what is served (promote, roll back, promotion policy) and manage API keys. */
    ADMIN,
    /** Call the OpenAI-compatible inference API under {@code /v1}. */
    INFERENCE;

    public static final String READ_ROLE = "read";
    public static final String WRITE_ROLE = "write";
    public static final String ADMIN_ROLE = "admin";
    public static final String INFERENCE_ROLE = "inference";

    /** The scope's name as clients write it and as its role is named: {@code read}, {@code write}, ... */
    public String role() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope named {@code value}, refused with the accepted names otherwise. */
    public static Scope parse(String value) {
        for (Scope scope : values()) {
            if (scope.role().equals(value)) {
                return scope;
            }
        }
        throw new IllegalArgumentException("unknown scope '" + value + "'; accepted: "
                + Arrays.stream(values()).map(Scope::role).collect(Collectors.joining(", ")));
    }
}
