package io.tunestream.llm.quantization;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tunestream.llm.model.DenseLinear;
import java.nio.ByteBuffer;

/**
 * A projection stored as 4-bit NormalFloat codes (QLoRA, Dettmers et al. 2023) with block-wise absmax scaling as
 * bitsandbytes does it: the (out, in) weight is flattened row-major and cut into blocks of {@value #BLOCK_SIZE}
 * weights (the last one padded with zeros when out * in is not a multiple); each weight becomes the index of the
 * {@link #CODES code} nearest to {@code w / absmax(block)}, and two indices share a byte, the first in the high
 * nibble. A weight dequantizes to {@code code * absmax(block)}.
 *
 * <p>The forward pass dequantizes to F32 and multiplies in F32, then frees the copy; see {@link QuantizedLinear} for
 * what {@link #weight()} returns.
 */
public final class Nf4Linear implements QuantizedLinear {

    /** Weights per absmax scale, as bitsandbytes' default for NF4. */
    public static final int BLOCK_SIZE = 64;

    /** The 16 NF4 values of bitsandbytes ({@code create_normal_map}), in ascending order; index 7 is exactly 0. */
    private static final float[] CODES = {
        -1.0f,
        -0.6961928009986877f,
        -0.5250730514526367f,
        -0.39491748809814453f,
        -0.28444138169288635f,
        -0.18477343022823334f,
        -0.09105003625154495f,
        0.0f,
        0.07958029955625534f,
        0.16093020141124725f,
        0.24611230194568634f,
        0.33791524171829224f,
        0.44070982933044434f,
        0.5626170039176941f,
        0.7229568362236023f,
        1.0f
    };

    private static final int ZERO_CODE = 7;

    private final long out;
    private final long in;
    private final NDArray packed; // (blocks, BLOCK_SIZE / 2) UINT8
    private final NDArray absmax; // (blocks, 1) F32
    private final NDArray byteTable; // (256, 2) F32: the two code values of each byte
    private final NDArray bias; // (out) F32, or null

    private Nf4Linear(long out, long in, NDArray packed, NDArray absmax, NDArray byteTable, NDArray bias) {
        this.out = out;
        this.in = in;
        this.packed = packed;
        this.absmax = absmax;
        this.byteTable = byteTable;
        this.bias = bias;
    }

    /** The 16 NF4 code values, ascending. */
    public static float[] codeValues() {
        return CODES.clone();
    }

    /** The index of the code nearest to {@code normalized}, a weight divided by its block's absmax. */
    public static int nearestCode(float normalized) {
        int best = 0;
        for (int k = 1; k < CODES.length; k++) {
            if (Math.abs(normalized - CODES[k]) < Math.abs(normalized - CODES[best])) {
                best = k;
            }
        }
        return best;
    }

    /**
     * Quantizes an F32 (out, in) weight into the weight's manager. The weight itself is left alone; {@code bias} is
     * kept as it is, in F32.
     *
     * @throws IllegalArgumentException when the weight is not a 2-D F32 array
     */
    public static Nf4Linear quantize(NDArray weight, NDArray bias) {
        QuantizationChecks.requireF32Matrix(weight, "NF4");
        long out = weight.getShape().get(0);
        long in = weight.getShape().get(1);
        float[] w = weight.toFloatArray();
        int blocks = (w.length + BLOCK_SIZE - 1) / BLOCK_SIZE;
        float[] scales = new float[blocks];
        byte[] packedCodes = new byte[blocks * BLOCK_SIZE / 2];
        for (int b = 0; b < blocks; b++) {
            int start = b * BLOCK_SIZE;
            int end = Math.min(w.length, start + BLOCK_SIZE);
            float max = 0;
            for (int i = start; i < end; i++) {
                max = Math.max(max, Math.abs(w[i]));
            }
            scales[b] = max;
            for (int i = start; i < start + BLOCK_SIZE; i++) {
                // Padding and all-zero blocks take the exact zero code.
                int code = i >= end || max == 0 ? ZERO_CODE : nearestCode(w[i] / max);
                int at = i / 2;
                packedCodes[at] = (byte) (i % 2 == 0 ? code << 4 : (packedCodes[at] & 0xF0) | code);
            }
        }
        float[] pairs = new float[256 * 2];
        for (int value = 0; value < 256; value++) {
            pairs[2 * value] = CODES[value >>> 4];
            pairs[2 * value + 1] = CODES[value & 0x0F];
        }
        NDManager manager = weight.getManager();
        NDArray packed =
                manager.create(ByteBuffer.wrap(packedCodes), new Shape(blocks, BLOCK_SIZE / 2), DataType.UINT8);
        NDArray absmax = manager.create(scales, new Shape(blocks, 1));
        NDArray byteTable = manager.create(pairs, new Shape(256, 2));
        // The projection lives as long as its model, not as long as a scope the caller may have open.
        NDScope.unregister(packed, absmax, byteTable);
        return new Nf4Linear(out, in, packed, absmax, byteTable, bias);
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

    /** A fresh F32 (out, in) copy, each weight {@code code * absmax(block)}; see {@link QuantizedLinear}. */
    @Override
    public NDArray weight() {
        return dequantize();
    }

    private NDArray dequantize() {
        long blocks = absmax.getShape().get(0);
        NDArray weight;
        try (NDScope intermediates = new NDScope()) {
            // One lookup per byte yields both of its code values: DJL has no integer shift or floor division to
            // split the nibbles, and the table is only 2 KiB. PyTorch reads uint8 indices as a mask, hence int64.
            NDArray indices = packed.toType(DataType.INT64, false); // (blocks, 32)
            NDArray values = byteTable
                    .get(new NDIndex("{}", indices)) // (blocks, 32, 2)
                    .reshape(blocks, BLOCK_SIZE)
                    .mul(absmax)
                    .reshape(-1);
            if (values.getShape().get(0) != out * in) {
                values = values.get(new NDIndex(":{}", out * in));
            }
            weight = values.reshape(out, in);
            NDScope.unregister(weight);
        }
        NDScope.register(weight);
        return weight;
    }

    @Override
    public NDArray bias() {
        return bias;
    }

    /** The packed codes, two per byte, (blocks, 32) uint8. */
    public NDArray packedCodes() {
        return packed;
    }

    /** The absmax of each block of {@value #BLOCK_SIZE} weights, (blocks, 1) F32. */
    public NDArray blockAbsmax() {
        return absmax;
    }

    @Override
    public QuantizationType type() {
        return QuantizationType.NF4;
    }

    @Override
    public long storedBytes() {
        return QuantizationChecks.bytes(packed)
                + QuantizationChecks.bytes(absmax)
                + QuantizationChecks.bytes(byteTable)
                + QuantizationChecks.bytes(bias);
    }
}
