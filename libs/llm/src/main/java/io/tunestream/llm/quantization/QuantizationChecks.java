package io.tunestream.llm.quantization;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** What the quantized projections share: argument checks and byte counts. */
final class QuantizationChecks {

    private QuantizationChecks() {}

    static void requireF32Matrix(NDArray weight, String format) {
        if (weight == null || weight.getShape().dimension() != 2 || weight.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(format + " quantization takes a 2-D (out, in) float32 weight, got "
                    + (weight == null ? "null" : weight.getDataType() + " " + weight.getShape()));
        }
    }

    /** Bytes of an array's data; 0 for null. */
    static long bytes(NDArray array) {
        return array == null ? 0 : array.getShape().size() * array.getDataType().getNumOfBytes();
    }
}
