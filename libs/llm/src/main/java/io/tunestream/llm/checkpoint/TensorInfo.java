package io.tunestream.llm.checkpoint;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where one tensor lies in a safetensors file.
 *
 * @param begin offset of its first byte, relative to the start of the data section
 * @param end   offset one past its last byte, relative to the start of the data section
 */
public record TensorInfo(String name, Path file, DType dtype, long[] shape, long begin, long end) {

    public TensorInfo {
        shape = shape.clone();
    }

    public long elementCount() {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }
}
