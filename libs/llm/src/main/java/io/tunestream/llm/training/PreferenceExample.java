package io.tunestream.llm.training;

/** A tokenized preference pair: the prompt with the chosen answer, and with the rejected one. */
public record PreferenceExample(TrainingExample chosen, TrainingExample rejected) {}
