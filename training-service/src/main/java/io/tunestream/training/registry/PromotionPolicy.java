package io.tunestream.training.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A model's promotion policy as the registry-service answers {@code GET /models/{model}/policy}; this service reads
 * only which evaluation set candidates are measured on (the other fields are the registry's gate settings).
 *
 * @param evaluationSet the evaluation set, or null when the policy names none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PromotionPolicy(
        String mode, Double margin, EvaluationSetRef evaluationSet, Double alpha, Double familyTolerance) {

    /** A sealed version of an evaluation dataset. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EvaluationSetRef(String dataset, Integer version) {}
}
