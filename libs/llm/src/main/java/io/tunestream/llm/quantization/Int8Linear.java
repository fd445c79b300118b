package io.tunestream.llm.quantization;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import io.tunestream.llm.model.DenseLinear;

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

    private final NDArray codes; // (out, in) INT8
    private final NDArray scales; // (out, 1) F32
    private final NDArray bias; // (out) F32, or null

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
        // Computed by the engine, not in Java: copying a weight out (toFloatArray) goes through a direct buffer that
        // lives until the next garbage collection, so quantizing a large model that way holds a second copy of it.
        NDArray codes;
        NDArray scales;
        try (NDScope intermediates = new NDScope()) {
            NDArray absmax = weight.abs().max(new int[] {1}, true); // (out, 1)
            NDArray rowScales = absmax.div(MAX_CODE);
            // An all-zero row has scale 0: divide it by 1 instead, so its codes stay 0 and dequantize to 0.
            NDArray divisor = rowScales.add(rowScales.eq(0).toType(DataType.FLOAT32, false));
            codes = weight.div(divisor).round().clip(-MAX_CODE, MAX_CODE).toType(DataType.INT8, false);
            scales = rowScales;
            // The projection lives as long as its model, not as long as a scope the caller may have open.
            NDScope.unregister(codes, scales);
            intermediates.suppressNotUsedWarning();
        }
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
