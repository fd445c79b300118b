package io.tunestream.llm.checkpoint;

import java.util.Arrays;

/** A dense F32 tensor in Java memory, row-major: what is read from and written to checkpoint files. */
public record Tensor(long[] shape, float[] data) {

    public Tensor {
        shape = shape.clone();
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (count != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + count + " elements, data has " + data.length);
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }
}
