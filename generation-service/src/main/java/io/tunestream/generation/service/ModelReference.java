package io.tunestream.generation.service;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a request or a model id names: a model's production version ({@code tiny-llama}), one version
 * ({@code tiny-llama:v3}) or the version holding the {@code candidate} alias ({@code tiny-llama@candidate}).
 *
 * @param version the version for {@link Kind#VERSION}, else 0
 */
public record ModelReference(String model, Kind kind, int version) {

    private static final Pattern VERSIONED = Pattern.compile("(.+):v([1-9][0-9]{0,8})");
    private static final String CANDIDATE_SUFFIX = "@candidate";

    public enum Kind {
        PRODUCTION,
        VERSION,
        CANDIDATE
    }

    /** @throws InferenceException (400) for an empty id */
    public static ModelReference parse(String id) {
        if (id == null || id.isBlank()) {
            throw InferenceException.invalid("model", "model is required: a model name, MODEL:vN or MODEL@candidate");
        }
        Matcher versioned = VERSIONED.matcher(id);
        if (versioned.matches()) {
            return new ModelReference(versioned.group(1), Kind.VERSION, Integer.parseInt(versioned.group(2)));
        }
        if (id.endsWith(CANDIDATE_SUFFIX) && id.length() > CANDIDATE_SUFFIX.length()) {
            return new ModelReference(id.substring(0, id.length() - CANDIDATE_SUFFIX.length()), Kind.CANDIDATE, 0);
        }
        return new ModelReference(id, Kind.PRODUCTION, 0);
    }

    /** The id of one version, as {@code system_fingerprint} and {@code /v1/models} name it. */
    public static String versionId(String model, int version) {
        return model + ":v" + version;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case PRODUCTION -> model;
            case VERSION -> versionId(model, version);
            case CANDIDATE -> model + CANDIDATE_SUFFIX;
        };
    }
}
