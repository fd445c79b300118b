package io.tunestream.dataset.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;

/**
 * The one field an evaluation set's records have beyond an Alpaca record: {@code family}, the task family the
 * promotion gate reports per item (items without one are the {@code default} family). The engine's reader ignores
 * unknown fields, so the service checks this one itself.
 */
public final class EvalRecords {

    public static final String FAMILY = "family";

    private EvalRecords() {}

    /** What is wrong with the record's {@code family}, or empty when it is a non-blank string, null or absent. */
    public static Optional<String> familyProblem(JsonNode record) {
        JsonNode family = record == null ? null : record.get(FAMILY);
        if (family == null || family.isNull()) {
            return Optional.empty();
        }
        if (!family.isTextual()) {
            return Optional.of("expected a string naming the task family, found " + describe(family));
        }
        if (family.asText().isBlank()) {
            return Optional.of("must not be blank; leave it out for the default family");
        }
        return Optional.empty();
    }

    /** The record's family, when it names one. */
    public static Optional<String> family(JsonNode record) {
        JsonNode family = record.get(FAMILY);
        return family != null && family.isTextual() && !family.asText().isBlank()
                ? Optional.of(family.asText())
                : Optional.empty();
    }

    private static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
