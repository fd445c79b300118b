package io.tunestream.dataset.service;

import java.util.Set;

/** A model's production version changed and these dpo pipelines started a new round: they have prompts to send. */
public record ProductionChanged(Set<Long> pipelineIds) {}
