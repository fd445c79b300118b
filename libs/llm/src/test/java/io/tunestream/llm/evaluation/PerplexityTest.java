package io.tunestream.llm.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.model.ModelPresets;
import io.tunestream.llm.model.RandomModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PerplexityTest {

    @BeforeAll
    static void inferenceOnly() {
        Inference.disableGradientsOnThisThread();
    }

    @Test
    void aFreshModelIsAboutAsPerplexedAsItsVocabularyIsLarge() {
        int vocab = 1024;
        try (LlamaModel model = LlamaModel.initialize(
                ModelPresets.tiny(vocab), 1, Engine.getInstance().newBaseManager())) {
            Random random = new Random(2);
            List<int[]> sequences = new ArrayList<>();
            for (int length : new int[] {12, 40, 7, 25, 33}) {
                sequences.add(random.ints(length, 0, vocab).toArray());
            }
            double perplexity = Perplexity.perplexity(model, sequences, null);
            // Right padding must not change anything: one sequence per batch gives the same loss.
            double unbatched = Perplexity.evalLoss(model, sequences, null, 1);
            System.out.printf("perplexity of a fresh tiny model, V = %d: %.1f%n", vocab, perplexity);

            assertThat(perplexity).isBetween(vocab / 2.0, vocab * 2.0);
            assertThat(unbatched).isCloseTo(Math.log(perplexity), within(1e-4));
        }
    }

    @Test
    void evalLossIsTheMeanNegativeLogSoftmaxOfTheNextTokens() {
        try (LlamaModel model = RandomModels.model(RandomModels.qwenLikeGqa(), 5)) {
            int[] sequence = {5, 17, 3};
            int vocab = model.config().vocabSize();
            float[] logits;
            try (NDScope scope = new NDScope()) {
                long[] ids = Arrays.stream(sequence).asLongStream().toArray();
                logits = model.forward(model.manager().create(ids, new Shape(1, 3)), null, null, false)
                        .toFloatArray();
            }
            double first = -logSoftmax(logits, 0, vocab, 17);
            double second = -logSoftmax(logits, vocab, vocab, 3);

            assertThat(Perplexity.evalLoss(model, List.of(sequence), null))
                    .isCloseTo((first + second) / 2, within(1e-5));
            assertThat(Perplexity.evalLoss(model, List.of(sequence), List.of(new boolean[] {true, true, false})))
                    .isCloseTo(first, within(1e-5));
            assertThat(Perplexity.evalLoss(model, List.of(sequence), List.of(new boolean[] {false, false, true})))
                    .isCloseTo(second, within(1e-5));
            assertThat(first).isNotCloseTo(second, within(1e-3));
        }
    }

    @Test
    void rejectsWhatItCannotScore() {
        try (LlamaModel model = RandomModels.model(RandomModels.qwenLikeGqa(), 5)) {
            assertThatThrownBy(() -> Perplexity.evalLoss(model, List.of(new int[] {4}), null))
                    .hasMessageContaining("sequence 0 has 1 tokens");
            assertThatThrownBy(() -> Perplexity.evalLoss(model, List.of(new int[] {4, 500}), null))
                    .hasMessageContaining("token id 500")
                    .hasMessageContaining("[0, 97)");
            assertThatThrownBy(() ->
                            Perplexity.evalLoss(model, List.of(new int[] {4, 5}), List.of(new boolean[] {true, false})))
                    .hasMessageContaining("no token counts");
            assertThatThrownBy(
                            () -> Perplexity.evalLoss(model, List.of(new int[] {4, 5}), List.of(new boolean[] {true})))
                    .hasMessageContaining("lossMask 0 has 1 entries");
        }
    }

    /** log p(token) from the logits row starting at offset, computed stably in double. */
    private static double logSoftmax(float[] logits, int offset, int vocab, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, logits[offset + v]);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(logits[offset + v] - max);
        }
        return logits[offset + token] - max - Math.log(sum);
    }
}
