package io.tunestream.llm.tasks;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link SyntheticCorpus#write} generates.
 *
 * @param seed the seed of every task; the same spec gives byte-identical files
 * @param trainPerFamily training tasks per family, in pretrain.jsonl and sft.jsonl
 * @param evalPerFamily held-out tasks per family in eval.jsonl, all distinct and none equal to a training prompt
 * @param difficulty 1 to {@link TaskGenerator#MAX_DIFFICULTY}
 * @param families the families to generate, at least one; written in their enum order
 */
public record CorpusSpec(long seed, int trainPerFamily, int evalPerFamily, int difficulty, Set<TaskFamily> families) {

    public CorpusSpec {
        if (trainPerFamily < 1) {
            throw new IllegalArgumentException("trainPerFamily must be at least 1, got " + trainPerFamily);
        }
        if (evalPerFamily < 0) {
            throw new IllegalArgumentException("evalPerFamily must not be negative, got " + evalPerFamily);
        }
        TaskGenerator.requireDifficulty(difficulty);
        Objects.requireNonNull(families, "families");
        if (families.isEmpty()) {
            throw new IllegalArgumentException("families must name at least one of " + EnumSet.allOf(TaskFamily.class));
        }
        families = Collections.unmodifiableSet(EnumSet.copyOf(families));
    }

    /** Seed 42, 2000 training and 100 evaluation tasks per family, difficulty 2, every family. */
    public static CorpusSpec defaults() {
        return new CorpusSpec(42, 2000, 100, 2, EnumSet.allOf(TaskFamily.class));
    }
}
