package io.tunestream.llm.quantization;

import io.tunestream.llm.model.DenseLinear;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A projection stored as signed 8-bit integers with absmax scaling per output channel (LLM.int8's vector-wise
 * quantization without the outlier decomposition): {@code scale[o] = max|W[o,:]| / 127},
 * {@code q = clamp(round(W / scale), -127, 127)}, so that each weight is off by at most half a scale step.
 *
 * <p>The forward pass dequantizes the weight to F32 and multiplies in F32: DJL's int8 {@code matMul} returns int8,
 * which overflows. The dequantized copy is freed as soon as the product exists; autograd keeps what backward needs,
 * so adapters on top of the frozen base still train. See {@link QuantizedLinear} for what {@link #weight()} returns.
 */
public final class Int8Linear implements QuantizedLinear {

    /** The largest code; -128 is unused so that the grid is symmetric around 0. */
    private static final int MAX_CODE = 127;

    private final NDArray codes;   // (out, in) INT8
    private final NDArray scales;  // (out, 1) F32
    private final NDArray bias;    // (out) F32, or null

    private Int8Linear(NDArray codes, NDArray scales, NDArray bias) {
        this.codes = codes;
        this.scales = scales;
        this.bias = bias;
    }

    /**
     * Quantizes an F32 (out, in) weight into the weight's manager. The weight itself is left alone; {@code bias} is
     * kept as it is, in F32.
     *
     * @throws IllegalArgumentException when the weight is not a 2-D F32 array
     */
    public static Int8Linear quantize(NDArray weight, NDArray bias) {
        QuantizationChecks.requireF32Matrix(weight, "int8");
        int out = (int) weight.getShape().get(0);
        int in = (int) weight.getShape().get(1);
        float[] w = weight.toFloatArray();
        byte[] q = new byte[w.length];
        float[] rowScales = new float[out];
        for (int o = 0; o < out; o++) {
            float absmax = 0;
            for (int i = o * in; i < (o + 1) * in; i++) {
                absmax = Math.max(absmax, Math.abs(w[i]));
            }
            float scale = absmax / MAX_CODE;
            rowScales[o] = scale;
            for (int i = o * in; i < (o + 1) * in; i++) {
                // An all-zero row has scale 0; its codes stay 0 and dequantize to 0.
                int code = scale == 0 ? 0 : Math.round(w[i] / scale);
                q[i] = (byte) Math.max(-MAX_CODE, Math.min(MAX_CODE, code));
            }
        }
        NDManager manager = weight.getManager();
        NDArray codes = manager.create(q, new Shape(out, in));
        NDArray scales = manager.create(rowScales, new Shape(out, 1));
        // The projection lives as long as its model, not as long as a scope the caller may have open.
        NDScope.unregister(codes, scales);
        return new Int8Linear(codes, scales, bias);
    }

    @Override
    public NDArray forward(NDArray input) {
        NDArray weight = dequantize();
        try {
            return DenseLinear.project(input, weight, bias);
        } finally {
            weight.close();
        }
    }

    /** A fresh F32 copy {@code codes * scales}; see {@link QuantizedLinear}. */
    @Override
    public NDArray weight() {
        return dequantize();
    }

    private NDArray dequantize() {
        NDArray floats = codes.toType(DataType.FLOAT32, false);
        // The per-call array comes first, so the product is a per-call array too.
        NDArray weight = floats.mul(scales);
        floats.close();
        return weight;
    }

    @Override
    public NDArray bias() {
        return bias;
    }

    /** The int8 codes, (out, in). */
    public NDArray codes() {
        return codes;
    }

    /** The scale of each output channel, (out, 1) F32. */
    public NDArray scales() {
        return scales;
    }

    @Override
    public QuantizationType type() {
        return QuantizationType.INT8;
    }

    @Override
    public long storedBytes() {
        return QuantizationChecks.bytes(codes) + QuantizationChecks.bytes(scales) + QuantizationChecks.bytes(bias);
    }
}
