package io.tunestream.llm.checkpoint;

import java.util.Arrays;

/** Tensor element types of the safetensors format that Tunestream reads; computation is always in F32. */
public enum DType {
    F32(4),
    F16(2),
    BF16(2),
    I64(8),
    I32(4),
    I8(1),
    U8(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloatingPoint() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** The safetensors name of a dtype, e.g. {@code "BF16"}; throws naming what is accepted. */
    public static DType ofSafetensorsName(String name, String where) {
        for (DType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        throw new CheckpointException(
                where + ": dtype \"" + name + "\" is not supported (supported: " + Arrays.toString(values()) + ")");
    }
}
