package io.tunestream.dataset.service;

import io.tunestream.events.EventJson;
import io.tunestream.events.SamplingParameters;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Sampling parameters as a pipeline stores them: the event JSON, so prompts carry exactly what was asked for. */
public final class SamplingJson {

    private SamplingJson() {}

    public static SamplingParameters read(String json) {
        try {
            return EventJson.mapper().readValue(json, SamplingParameters.class);
        } catch (IOException e) {
            throw new UncheckedIOException("stored sampling parameters are not valid: " + e.getMessage(), e);
        }
    }

    public static String write(SamplingParameters sampling) {
        try {
            return EventJson.mapper().writeValueAsString(sampling);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
