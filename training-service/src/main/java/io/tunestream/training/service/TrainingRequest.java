package io.tunestream.training.service;

import io.tunestream.events.Recipe;
import java.nio.file.Path;

/**
 * One fine-tuning run, resolved to local files and concrete hyperparameters.
 *
 * @param baseModel a Hugging Face checkpoint directory with tokenizer files: the starting point and the DPO reference
 * @param train the training split ({@code train.jsonl})
 * @param eval the held-out split ({@code eval.jsonl}): the best checkpoint is chosen on it, both models are measured on it
 * @param output where {@code adapter/} and {@code merged/} are written, and the run's {@code run/} directory
 *     ({@code metrics.jsonl}, {@code checkpoints/step-N/})
 * @param checkpointEvery write a resumable checkpoint every this many steps; 0 for none
 * @param resumeFrom a checkpoint directory ({@code step-N}) of an earlier attempt of the same run, or null to start fresh
 */
public record TrainingRequest(
        Recipe recipe,
        Path baseModel,
        Path train,
        Path eval,
        Path output,
        JobHyperparameters hyperparameters,
        int checkpointEvery,
        Path resumeFrom) {

    public TrainingRequest {
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpointEvery must be 0 (none) or positive, got " + checkpointEvery);
        }
    }
}
