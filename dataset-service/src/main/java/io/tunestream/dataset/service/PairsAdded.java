package io.tunestream.dataset.service;

import java.util.Set;

/** Pairs or drops were committed for these pipelines: a count-triggered seal may be due. */
public record PairsAdded(Set<Long> pipelineIds) {}
