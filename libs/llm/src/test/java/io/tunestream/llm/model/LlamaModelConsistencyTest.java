package io.tunestream.llm.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Properties that catch an off-by-one in the cache, wrong positions under padding, or a leak between rows: cached
 * decoding equals full recomputation, a left-padded batch equals each sequence alone, rows do not see each other.
 */
class LlamaModelConsistencyTest {

    private static final float TOLERANCE = 2e-5f;
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        Inference.disableGradientsOnThisThread();
        model = RandomModels.model(RandomModels.qwenLikeGqa(), 7);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static float[] logits(long[] ids) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray input = scope.create(ids, new Shape(1, ids.length));
            return model.forward(input, null, null, false).toFloatArray();
        }
    }

    @Test
    void cachedDecodingEqualsFullRecomputationAtEveryStep() {
        long[] sequence = {3, 17, 42, 5, 88, 1, 60, 23, 9, 71};
        int vocab = model.config().vocabSize();
        float[] full = logits(sequence);
        try (NDManager scope = model.manager().newSubManager();
                KvCache cache = new KvCache(scope, model.config(), 1)) {
            // A 4-token prefill, then one token at a time.
            long[] prefill = java.util.Arrays.copyOf(sequence, 4);
            float[] first = model.forward(scope.create(prefill, new Shape(1, 4)), null, cache, false)
                    .toFloatArray();
            assertClose(first, java.util.Arrays.copyOfRange(full, 0, 4 * vocab));
            for (int t = 4; t < sequence.length; t++) {
                float[] step = model.forward(scope.create(new long[] {sequence[t]}, new Shape(1, 1)), null, cache, true)
                        .toFloatArray();
                assertClose(step, java.util.Arrays.copyOfRange(full, t * vocab, (t + 1) * vocab));
            }
            assertThat(cache.length()).isEqualTo(sequence.length);
        }
    }

    @Test
    void leftPaddedBatchEqualsEachSequenceAlone() {
        long[] shorter = {11, 4, 19};
        long[] longer = {8, 30, 2, 77, 5, 14};
        int vocab = model.config().vocabSize();
        long pad = 0;
        long[] batch = {pad, pad, pad, 11, 4, 19, 8, 30, 2, 77, 5, 14};
        try (NDManager scope = model.manager().newSubManager();
                KvCache cache = new KvCache(scope, model.config(), 2)) {
            float[] prefill = model.forward(scope.create(batch, new Shape(2, 6)), new int[] {3, 0}, cache, false)
                    .toFloatArray();
            float[] aloneShort = logits(shorter);
            float[] aloneLong = logits(longer);
            assertClose(java.util.Arrays.copyOfRange(prefill, 3 * vocab, 6 * vocab), aloneShort);
            assertClose(java.util.Arrays.copyOfRange(prefill, 6 * vocab, 12 * vocab), aloneLong);

            float[] next = model.forward(scope.create(new long[] {50, 51}, new Shape(2, 1)), null, cache, true)
                    .toFloatArray();
            float[] shortThenNext = logits(new long[] {11, 4, 19, 50});
            float[] longThenNext = logits(new long[] {8, 30, 2, 77, 5, 14, 51});
            assertClose(
                    java.util.Arrays.copyOfRange(next, 0, vocab),
                    java.util.Arrays.copyOfRange(shortThenNext, 3 * vocab, 4 * vocab));
            assertClose(
                    java.util.Arrays.copyOfRange(next, vocab, 2 * vocab),
                    java.util.Arrays.copyOfRange(longThenNext, 6 * vocab, 7 * vocab));
        }
    }

    @Test
    void cachesJoinedAndSplitKeepEachRowsLogits() {
        int vocab = model.config().vocabSize();
        try (NDManager scope = model.manager().newSubManager()) {
            KvCache running = new KvCache(scope, model.config(), 1);
            model.forward(scope.create(new long[] {1, 2, 3, 4, 5}, new Shape(1, 5)), null, running, true);
            KvCache joining = new KvCache(scope, model.config(), 1);
            model.forward(scope.create(new long[] {9, 8}, new Shape(1, 2)), null, joining, true);
            running.concatRows(joining);
            float[] both = model.forward(scope.create(new long[] {6, 7}, new Shape(2, 1)), null, running, true)
                    .toFloatArray();
            assertClose(
                    java.util.Arrays.copyOfRange(both, 0, vocab),
                    java.util.Arrays.copyOfRange(logits(new long[] {1, 2, 3, 4, 5, 6}), 5 * vocab, 6 * vocab));
            assertClose(
                    java.util.Arrays.copyOfRange(both, vocab, 2 * vocab),
                    java.util.Arrays.copyOfRange(logits(new long[] {9, 8, 7}), 2 * vocab, 3 * vocab));

            running.keepRows(new int[] {1});
            assertThat(running.length()).isEqualTo(3);
            float[] alone = model.forward(scope.create(new long[] {6}, new Shape(1, 1)), null, running, true)
                    .toFloatArray();
            assertClose(alone, java.util.Arrays.copyOfRange(logits(new long[] {9, 8, 7, 6}), 3 * vocab, 4 * vocab));
            running.close();
        }
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        float worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).as("max abs logit difference").isLessThan(TOLERANCE);
    }
}
