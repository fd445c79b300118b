package io.tunestream.dataset.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tunestream.events.EventJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pipeline's training recipe as stored: a JSON object passed as-is to {@code DatasetVersionEvent.hyperparameters};
 * the training-service validates its keys and values.
 */
public final class TrainingJson {

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {};

    private TrainingJson() {}

    public static String write(Map<String, Object> training) {
        try {
            return EventJson.mapper().writeValueAsString(training);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON object read from a request always serialises", e);
        }
    }

    /** @return the recipe, empty when the pipeline has none */
    public static Map<String, Object> read(String json) {
        if (json == null) {
            return new LinkedHashMap<>();
        }
        try {
            return EventJson.mapper().readValue(json, OBJECT);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored training recipe is not a JSON object: " + e.getMessage(), e);
        }
    }
}
