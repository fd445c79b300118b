/**
 * Training building blocks: objectives (causal LM, SFT with masked prompts, DPO), AdamW, learning-rate schedules
 * and global-norm gradient clipping, written against the engine's arrays so one loop can serve every objective.
 */
package io.tunestream.llm.training;
