/**
 * Training building blocks: objectives (causal LM, SFT with masked prompts, DPO), AdamW, learning-rate schedules
 * and global-norm gradient clipping, written against the engine's arrays so one loop can serve every objective.
 * {@link io.tunestream.llm.training.FineTuneSpec} and {@link io.tunestream.llm.training.FineTuning} are the one entry
 * point every caller (CLI, benchmarks, the training-service) trains through.
 */
package io.tunestream.llm.training;
