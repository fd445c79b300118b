package io.tunestream.llm.model;

import ai.djl.ndarray.NDArray;

/** A plain linear projection; PyTorch's {@code linear} takes the (out, in) weight as stored, with no transpose copy. */
public record DenseLinear(NDArray weight, NDArray bias) implements Linear {

    @Override
    public NDArray forward(NDArray input) {
        return project(input, weight, bias);
    }

    /**
     * {@code input W^T + b} with PyTorch's {@code linear}; the weight in (out, in) layout, the bias may be null. The
     * one place every projection (dense, quantized, adapter) computes through.
     */
    public static NDArray project(NDArray input, NDArray weight, NDArray bias) {
        return bias == null
                ? ai.djl.nn.core.Linear.linear(input, weight).singletonOrThrow()
                : ai.djl.nn.core.Linear.linear(input, weight, bias).singletonOrThrow();
    }
}
