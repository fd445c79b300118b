package io.tunestream.llm.quantization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tunestream.llm.model.Inference;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QuantizedLinearTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        Inference.disableGradientsOnThisThread();
        manager = Engine.getInstance().newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static float[] gaussian(int count, long seed, double std) {
        Random random = new Random(seed);
        float[] data = new float[count];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextGaussian() * std);
        }
        return data;
    }

    @Test
    void int8WeightsAreWithinHalfAScaleStepAndZeroRowsStayZero() {
        int out = 6;
        int in = 70;
        float[] w = gaussian(out * in, 1, 0.05);
        for (int i = 3 * in; i < 4 * in; i++) {
            w[i] = 0;
        }
        Int8Linear linear = Int8Linear.quantize(manager.create(w, new Shape(out, in)), null);

        float[] dequantized = linear.weight().toFloatArray();
        float[] scales = linear.scales().toFloatArray();
        byte[] codes = linear.codes().toByteArray();
        assertThat(linear.codes().getDataType()).isEqualTo(DataType.INT8);
        for (int o = 0; o < out; o++) {
            float absmax = 0;
            for (int i = o * in; i < (o + 1) * in; i++) {
                absmax = Math.max(absmax, Math.abs(w[i]));
            }
            assertThat(scales[o]).as("scale of row %d", o).isEqualTo(absmax / 127);
            for (int i = o * in; i < (o + 1) * in; i++) {
                assertThat(Math.abs(w[i] - dequantized[i]))
                        .as("error at %d", i)
                        .isLessThanOrEqualTo(scales[o] / 2 * 1.0001f);
                assertThat((int) codes[i]).isBetween(-127, 127);
            }
        }
        assertThat(scales[3]).isZero();
        for (int i = 3 * in; i < 4 * in; i++) {
            assertThat(dequantized[i]).isZero();
        }
    }

    @Test
    void nf4WeightsAreTheNearestCodeTimesTheBlockAbsmax() {
        // 150 weights: two full blocks of 64 and a last block of 22, padded.
        int out = 3;
        int in = 50;
        float[] w = gaussian(out * in, 2, 0.05);
        Nf4Linear linear = Nf4Linear.quantize(manager.create(w, new Shape(out, in)), null);

        float[] codes = Nf4Linear.codeValues();
        float[] absmax = linear.blockAbsmax().toFloatArray();
        NDArray weight = linear.weight();
        assertThat(weight.getShape()).isEqualTo(new Shape(out, in));
        assertThat(linear.packedCodes().getShape()).isEqualTo(new Shape(3, 32));
        assertThat(linear.packedCodes().getDataType()).isEqualTo(DataType.UINT8);
        float[] dequantized = weight.toFloatArray();
        for (int b = 0; b < 3; b++) {
            float expectedMax = 0;
            for (int i = b * 64; i < Math.min(w.length, (b + 1) * 64); i++) {
                expectedMax = Math.max(expectedMax, Math.abs(w[i]));
            }
            assertThat(absmax[b]).as("absmax of block %d", b).isEqualTo(expectedMax);
        }
        for (int i = 0; i < w.length; i++) {
            float scale = absmax[i / 64];
            float normalized = w[i] / scale;
            float chosen = dequantized[i] / scale;
            boolean isCode = false;
            for (float code : codes) {
                isCode |= Math.abs(chosen - code) < 1e-6;
                // No code is nearer to the normalized weight than the chosen one.
                assertThat(Math.abs(normalized - chosen))
                        .as("weight %d", i)
                        .isLessThanOrEqualTo(Math.abs(normalized - code) + 1e-6f);
            }
            assertThat(isCode)
                    .as("weight %d dequantizes to code * absmax, got %s", i, dequantized[i])
                    .isTrue();
        }
    }

    @Test
    void nf4CodesAreThoseOfBitsandbytesAndTheNearestIsChosen() {
        float[] codes = Nf4Linear.codeValues();
        assertThat(codes).hasSize(16).startsWith(-1f).endsWith(1f);
        assertThat(codes[7]).isZero();
        assertThat(codes[8]).isEqualTo(0.07958029955625534f);
        assertThat(Nf4Linear.nearestCode(0.04f)).isEqualTo(8);
        assertThat(Nf4Linear.nearestCode(0.039f)).isEqualTo(7);
        assertThat(Nf4Linear.nearestCode(-0.95f)).isZero();
        assertThat(Nf4Linear.nearestCode(0.9f)).isEqualTo(15);
    }

    @Test
    void nf4HandlesAnOddNumberOfWeights() {
        float[] w = gaussian(15, 3, 1);
        Nf4Linear linear = Nf4Linear.quantize(manager.create(w, new Shape(3, 5)), null);
        float[] dequantized = linear.weight().toFloatArray();
        float absmax = linear.blockAbsmax().toFloatArray()[0];
        for (int i = 0; i < w.length; i++) {
            assertThat(dequantized[i]).isEqualTo(Nf4Linear.codeValues()[Nf4Linear.nearestCode(w[i] / absmax)] * absmax);
        }
    }

    @Test
    void forwardEqualsTheLinearOfTheDequantizedWeight() {
        int out = 20;
        int in = 96;
        NDArray weight = manager.create(gaussian(out * in, 4, 0.1), new Shape(out, in));
        NDArray bias = manager.create(gaussian(out, 5, 0.1), new Shape(out));
        NDArray input = manager.create(gaussian(2 * 3 * in, 6, 1), new Shape(2, 3, in));
        for (QuantizedLinear linear :
                new QuantizedLinear[] {Int8Linear.quantize(weight, bias), Nf4Linear.quantize(weight, null)}) {
            NDArray expected = linear.bias() == null
                    ? ai.djl.nn.core.Linear.linear(input, linear.weight()).singletonOrThrow()
                    : ai.djl.nn.core.Linear.linear(input, linear.weight(), linear.bias())
                            .singletonOrThrow();
            NDArray actual = linear.forward(input);
            assertThat(actual.getShape()).isEqualTo(new Shape(2, 3, out));
            assertThat(maxAbsDifference(actual.toFloatArray(), expected.toFloatArray()))
                    .as(linear.type().name())
                    .isLessThan(1e-5f);
            // The quantized weight differs from the original, so the check above is not comparing F32 to itself.
            NDArray original = linear.bias() == null
                    ? ai.djl.nn.core.Linear.linear(input, weight).singletonOrThrow()
                    : ai.djl.nn.core.Linear.linear(input, weight, linear.bias()).singletonOrThrow();
            assertThat(maxAbsDifference(actual.toFloatArray(), original.toFloatArray()))
                    .isGreaterThan(1e-5f);
        }
    }

    @Test
    void rejectsWhatIsNotATwoDimensionalFloatWeight() {
        NDArray vector = manager.create(new float[] {1, 2, 3});
        NDArray integers = manager.create(new int[] {1, 2, 3, 4}, new Shape(2, 2));
        assertThatThrownBy(() -> Int8Linear.quantize(vector, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2-D (out, in) float32")
                .hasMessageContaining("(3)");
        assertThatThrownBy(() -> Nf4Linear.quantize(integers, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NF4")
                .hasMessageContaining("int32");
    }

    static float maxAbsDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
