package io.tunestream.events;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Checks shared by the events' compact constructors; every message names the event and the field. */
final class EventValidation {

    private EventValidation() {}

    static String requireText(String value, String event, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(event + "." + field + " is required and must not be blank");
        }
        return value;
    }

    static <T> T requireValue(T value, String event, String field) {
        if (value == null) {
            throw new IllegalArgumentException(event + "." + field + " is required");
        }
        return value;
    }

    static int requirePositive(int value, String event, String field) {
        if (value < 1) {
            throw new IllegalArgumentException(event + "." + field + " must be at least 1, got " + value);
        }
        return value;
    }

    static void requireSchemaVersion(int schemaVersion, String event) {
        requirePositive(schemaVersion, event, "schemaVersion");
    }

    static String requireSha256(String value, String event, String field) {
        Objects.requireNonNull(event);
        if (value == null || !value.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                    event + "." + field + " must be a lowercase hex sha256 (64 characters), got '" + value + "'");
        }
        return value;
    }

    /** An unmodifiable copy sorted by key, so that an event's JSON is the same every time it is written. */
    static <V> Map<String, V> sortedCopy(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(map));
    }
}
