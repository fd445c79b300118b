package io.tunestream.training.service;

import io.tunestream.events.Recipe;
import java.nio.file.Path;

/**
 * One fine-tuning run, resolved to local files and concrete hyperparameters.
 *
 * @param baseModel a Hugging Face checkpoint directory with tokenizer files: the starting point and the DPO reference
 * @param train the training split ({@code train.jsonl})
 * @param eval the held-out split ({@code eval.jsonl}): the best checkpoint is chosen on it, both models are measured on it
 * @param output where {@code adapter/} and {@code merged/} are written
 */
public record TrainingRequest(Recipe recipe, Path baseModel, Path train, Path eval, Path output,
        JobHyperparameters hyperparameters) {
}
