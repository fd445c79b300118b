package io.tunestream.llm.quantization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.SchedulerSettings;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaConfig;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.model.RandomModels;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class QuantizedModelTest {

    private static final LlamaConfig CONFIG = RandomModels.qwenLikeGqa();
    private static final long[] PROMPT = {5, 17, 3, 60, 42, 8, 91, 33, 1, 70, 12, 64};

    @BeforeAll
    static void inferenceOnly() {
        Inference.disableGradientsOnThisThread();
    }

    private static float[] logits(LlamaModel model) {
        try (NDScope scope = new NDScope()) {
            NDArray ids = model.manager().create(PROMPT, new Shape(1, PROMPT.length));
            return model.forward(ids, null, null, false).toFloatArray();
        }
    }

    private static int[] greedy(LlamaModel model) {
        try (GenerationScheduler scheduler =
                new GenerationScheduler(model, null, Set.of(), new SchedulerSettings(4, 8))) {
            int[] prompt =
                    java.util.Arrays.stream(PROMPT).mapToInt(id -> (int) id).toArray();
            return scheduler
                    .generate(new GenerationRequest(prompt, SamplingParams.greedy(16)))
                    .first()
                    .tokenIds();
        }
    }

    @Test
    void quantizedLogitsStayCloseToTheF32OnesAndGreedyGenerationRuns() {
        try (LlamaModel f32 = RandomModels.model(CONFIG, 11);
                LlamaModel int8 = RandomModels.model(CONFIG, 11);
                LlamaModel nf4 = RandomModels.model(CONFIG, 11)) {
            Quantization.quantizeBase(int8, QuantizationType.INT8);
            Quantization.quantizeBase(nf4, QuantizationType.NF4);
            float[] reference = logits(f32);
            float spread = max(reference) - min(reference);
            float int8Error = QuantizedLinearTest.maxAbsDifference(logits(int8), reference);
            float nf4Error = QuantizedLinearTest.maxAbsDifference(logits(nf4), reference);
            int[] f32Tokens = greedy(f32);
            int[] int8Tokens = greedy(int8);
            int[] nf4Tokens = greedy(nf4);
            System.out.printf(
                    "logits spread %.3f; max |int8 - f32| %.5f; max |nf4 - f32| %.5f;"
                            + " greedy tokens equal to F32's: int8 %d/16, nf4 %d/16%n",
                    spread,
                    int8Error,
                    nf4Error,
                    commonPrefix(f32Tokens, int8Tokens),
                    commonPrefix(f32Tokens, nf4Tokens));

            assertThat(spread).isGreaterThan(3);
            // Measured: spread 6.95, int8 0.060, NF4 0.78 (seed 11); int8 errs by under 1.5% of the spread.
            assertThat(int8Error).isLessThan(0.1f);
            assertThat(nf4Error).isLessThan(0.15f * spread).isGreaterThan(int8Error);
            assertThat(int8Tokens).hasSize(16);
            assertThat(nf4Tokens).hasSize(16);
            assertThat(java.util.Arrays.stream(nf4Tokens).max().orElseThrow()).isLessThan(CONFIG.vocabSize());
            assertThat(int8.linear("model.layers.1.mlp.down_proj")).isInstanceOf(Int8Linear.class);
            assertThat(nf4.linear("model.layers.0.self_attn.q_proj")).isInstanceOf(Nf4Linear.class);
        }
    }

    @Test
    void quantizingFreesTheF32ProjectionWeightsAndKeepsTheBiases() {
        try (LlamaModel model = RandomModels.model(CONFIG, 3)) {
            List<String> names = model.linearNames();
            List<NDArray> weights =
                    names.stream().map(name -> model.linear(name).weight()).toList();
            NDArray queryBias = model.linear("model.layers.0.self_attn.q_proj").bias();

            Quantization.quantizeBase(model, QuantizationType.NF4);

            assertThat(names).hasSize(7 * CONFIG.numLayers());
            assertThat(weights)
                    .allSatisfy(weight -> assertThat(weight.isReleased()).isTrue());
            assertThat(model.linear("model.layers.0.self_attn.q_proj").bias()).isSameAs(queryBias);
            assertThat(queryBias.isReleased()).isFalse();
        }
    }

    @Test
    void quantizingTwiceIsRefusedAndNoneChangesNothing() {
        try (LlamaModel model = RandomModels.model(CONFIG, 3)) {
            Quantization.quantizeBase(model, QuantizationType.NONE);
            long f32Bytes = Quantization.projectionBytes(model);
            assertThat(model.linear("model.layers.0.mlp.up_proj").weight().isReleased())
                    .isFalse();

            Quantization.quantizeBase(model, QuantizationType.INT8);
            assertThat(Quantization.projectionBytes(model)).isLessThan(f32Bytes / 3);
            assertThatThrownBy(() -> Quantization.quantizeBase(model, QuantizationType.NF4))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("model.layers.0.")
                    .hasMessageContaining("Int8Linear")
                    .hasMessageContaining("before attaching adapters");
        }
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = 0;
        while (n < Math.min(a.length, b.length) && a[n] == b[n]) {
            n++;
        }
        return n;
    }

    private static float max(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    private static float min(float[] values) {
        float min = Float.POSITIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
        }
        return min;
    }
}
