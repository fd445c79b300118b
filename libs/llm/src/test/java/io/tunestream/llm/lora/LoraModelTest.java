package io.tunestream.llm.lora;

import static io.tunestream.llm.lora.LoraTestSupport.PROMPT;
import static io.tunestream.llm.lora.LoraTestSupport.baseDirectory;
import static io.tunestream.llm.lora.LoraTestSupport.logits;
import static io.tunestream.llm.lora.LoraTestSupport.maxDifference;
import static io.tunestream.llm.lora.LoraTestSupport.randomizeB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tunestream.llm.checkpoint.Tensor;
import io.tunestream.llm.model.DenseLinear;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LoraModelTest {

    @Test
    void aFreshAdapterLeavesTheLogitsUnchanged() {
        Inference.disableGradientsOnThisThread();
        try (LlamaModel model = LlamaModel.load(baseDirectory())) {
            float[] base = logits(model, PROMPT);
            Map<String, LoraLinear> layers = LoraModel.apply(model, LoraConfig.defaults(), 7);
            assertThat(layers).hasSize(2 * 7).containsKey("model.layers.1.mlp.down_proj");
            assertThat(model.linear("model.layers.0.self_attn.q_proj"))
                    .isSameAs(layers.get("model.layers.0.self_attn.q_proj"));
            assertThat(maxDifference(logits(model, PROMPT), base)).isZero();
        }
    }

    @Test
    void onlyTheTargetedProjectionsAreWrappedAndADisabledAdapterGivesTheBaseLogits() {
        Inference.disableGradientsOnThisThread();
        try (LlamaModel model = LlamaModel.load(baseDirectory())) {
            float[] base = logits(model, PROMPT);
            LoraConfig config = new LoraConfig(4, 8, 0, List.of("k_proj", "up_proj"), false, null);
            Map<String, LoraLinear> layers = LoraModel.apply(model, config, 7);
            assertThat(layers.keySet())
                    .containsExactly(
                            "model.layers.0.mlp.up_proj",
                            "model.layers.0.self_attn.k_proj",
                            "model.layers.1.mlp.up_proj",
                            "model.layers.1.self_attn.k_proj");
            assertThat(model.linear("model.layers.0.self_attn.q_proj")).isNotInstanceOf(LoraLinear.class);
            randomizeB(layers, 3);
            float[] adapted = logits(model, PROMPT);
            assertThat(maxDifference(adapted, base)).isGreaterThan(0.1);

            LoraModel.setEnabled(layers, false);
            assertThat(maxDifference(logits(model, PROMPT), base)).isZero();
            LoraModel.setEnabled(layers, true);
            assertThat(maxDifference(logits(model, PROMPT), adapted)).isZero();
        }
    }

    @Test
    void mergedWeightsGiveTheLogitsOfTheLiveAdapter() {
        Inference.disableGradientsOnThisThread();
        try (LlamaModel model = LlamaModel.load(baseDirectory())) {
            Map<String, Tensor> baseWeights = model.toTensors();
            float[] base = logits(model, PROMPT);
            LoraConfig config = new LoraConfig(8, 16, 0.05, LoraConfig.ALL_PROJECTIONS, true, null);
            Map<String, LoraLinear> layers = LoraModel.apply(model, config, 11);
            randomizeB(layers, 5);
            float[] live = logits(model, PROMPT);
            Map<String, Tensor> merged = LoraMerge.merge(baseWeights, PeftAdapter.from(layers, config));
            try (LlamaModel mergedModel = LlamaModel.fromTensors(
                    model.config(), merged, Engine.getInstance().newBaseManager())) {
                assertThat(maxDifference(logits(mergedModel, PROMPT), live)).isLessThan(LoraTestSupport.TOLERANCE);
            }
            assertThat(maxDifference(live, base)).isGreaterThan(0.1);
        }
    }

    @Test
    void theSameSeedDrawsTheSameAAndApplyingTwiceIsRefused() {
        Inference.disableGradientsOnThisThread();
        try (LlamaModel first = LlamaModel.load(baseDirectory());
                LlamaModel second = LlamaModel.load(baseDirectory())) {
            Map<String, LoraLinear> a = LoraModel.apply(first, LoraConfig.defaults(), 42);
            Map<String, LoraLinear> b = LoraModel.apply(second, LoraConfig.defaults(), 42);
            String name = "model.layers.1.self_attn.v_proj";
            assertThat(a.get(name).loraATensor().data())
                    .containsExactly(b.get(name).loraATensor().data());
            // PEFT's kaiming-uniform(a = sqrt(5)): |A| <= 1/sqrt(in) with in = 48
            float[] values = a.get(name).loraATensor().data();
            double bound = 1 / Math.sqrt(48);
            double largest = java.util.stream.IntStream.range(0, values.length)
                    .mapToDouble(i -> Math.abs(values[i]))
                    .max()
                    .orElseThrow();
            assertThat(largest).isBetween(0.9 * bound, bound);
            assertThatThrownBy(() -> LoraModel.apply(first, LoraConfig.defaults(), 1))
                    .hasMessageContaining("already has a LoRA adapter");
        }
    }

    /**
     * y = x W^T + s (x A^T) B^T and loss = sum(y * g): dL/dB = s g^T (x A^T), dL/dA = s (g B)^T x. A wrong scale or a
     * Java-scalar multiplication in the graph would break these.
     */
    @Test
    void gradientsOfAAndBMatchTheClosedForm() {
        int in = 5;
        int out = 3;
        int rows = 4;
        int r = 2;
        Random random = new Random(9);
        try (NDManager manager = Engine.getInstance().newBaseManager()) {
            NDArray weight = manager.create(gaussian(random, out * in), new Shape(out, in));
            LoraConfig config = new LoraConfig(r, 6, 0, List.of("q_proj"), false, null);
            LoraLinear layer = new LoraLinear(new DenseLinear(weight, null), config, random);
            float[] b = gaussian(random, out * r);
            layer.load(layer.loraATensor(), new Tensor(new long[] {out, r}, b));
            float[] a = layer.loraATensor().data();
            float[] x = gaussian(random, rows * in);
            float[] g = gaussian(random, rows * out);
            List<NDArray> trainable = LoraModel.markOnlyLoraAsTrainable(Map.of("m", layer));
            assertThat(trainable).containsExactly(layer.loraA(), layer.loraB());
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = layer.forward(manager.create(x, new Shape(rows, in)));
                collector.backward(
                        y.mul(manager.create(g, new Shape(rows, out))).sum());
            }
            double s = config.scale();
            double[] expectedB = new double[out * r];
            double[] expectedA = new double[r * in];
            for (int n = 0; n < rows; n++) {
                for (int k = 0; k < r; k++) {
                    double xa = 0; // (x A^T)[n, k]
                    double gb = 0; // (g B)[n, k]
                    for (int i = 0; i < in; i++) {
                        xa += x[n * in + i] * a[k * in + i];
                    }
                    for (int o = 0; o < out; o++) {
                        gb += g[n * out + o] * b[o * r + k];
                        expectedB[o * r + k] += s * g[n * out + o] * xa;
                    }
                    for (int i = 0; i < in; i++) {
                        expectedA[k * in + i] += s * gb * x[n * in + i];
                    }
                }
            }
            assertClose(layer.loraB().getGradient().toFloatArray(), expectedB);
            assertClose(layer.loraA().getGradient().toFloatArray(), expectedA);
        }
    }

    @Test
    void dropoutActsOnlyWhileTraining() {
        Random random = new Random(4);
        try (NDManager manager = Engine.getInstance().newBaseManager()) {
            Inference.disableGradientsOnThisThread();
            NDArray weight = manager.create(gaussian(random, 8 * 16), new Shape(8, 16));
            LoraConfig config = new LoraConfig(4, 8, 0.5, List.of("q_proj"), false, null);
            LoraLinear layer = new LoraLinear(new DenseLinear(weight, null), config, random);
            layer.load(layer.loraATensor(), new Tensor(new long[] {8, 4}, gaussian(random, 32)));
            NDArray x = manager.create(gaussian(random, 10 * 16), new Shape(10, 16));
            float[] evaluation = layer.forward(x).toFloatArray();
            assertThat(layer.forward(x).toFloatArray()).containsExactly(evaluation);
            LoraModel.setTraining(Map.of("m", layer), true);
            assertThat(maxDifference(layer.forward(x).toFloatArray(), evaluation))
                    .isGreaterThan(1e-3);
            LoraModel.setTraining(Map.of("m", layer), false);
            assertThat(layer.forward(x).toFloatArray()).containsExactly(evaluation);
        }
    }

    private static float[] gaussian(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static void assertClose(float[] actual, double[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i])
                    .as("element %d", i)
                    .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(expected[i]))));
        }
    }
}
