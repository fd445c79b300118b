package io.tunestream.generation.service;

import io.tunestream.events.SamplingParameters;
import io.tunestream.generation.config.GenerationConfig;
import io.tunestream.llm.generation.SamplingParams;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns the platform's sampling parameters (prompt events, HTTP requests) into the engine's, filling what a request
 * leaves out from {@code tunestream.generation.sampling.*}.
 */
@ApplicationScoped
public class SamplingDefaults {

    private final GenerationConfig.Sampling defaults;

    public SamplingDefaults(GenerationConfig config) {
        this.defaults = config.sampling();
    }

    /** @throws IllegalArgumentException naming the parameter the engine refuses */
    public SamplingParams toEngine(SamplingParameters requested) {
        List<String> stops = new ArrayList<>(requested.stop());
        defaults.stop().ifPresent(stops::addAll);
        return new SamplingParams(
                requested.maxTokens() != null ? requested.maxTokens() : defaults.maxTokens(),
                requested.temperature() != null ? requested.temperature() : defaults.temperature(),
                requested.topK() != null ? requested.topK() : defaults.topK(),
                requested.topP() != null ? requested.topP() : defaults.topP(),
                requested.repetitionPenalty() != null ? requested.repetitionPenalty() : defaults.repetitionPenalty(),
                requested.frequencyPenalty() != null ? requested.frequencyPenalty() : 0.0,
                0.0,
                Set.of(),
                stops.stream().distinct().toList(),
                requested.n() != null ? requested.n() : 1,
                requested.seed(),
                false);
    }
}
