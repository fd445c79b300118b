package io.tunestream.dataset.service;

/** New samples were committed to a dataset: its pipelines may have prompts to send or a seal that is due. */
public record SamplesAdded(long datasetId) {}
