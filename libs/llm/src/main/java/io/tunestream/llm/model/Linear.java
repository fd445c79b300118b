package io.tunestream.llm.model;

import ai.djl.ndarray.NDArray;

/**
 * A linear projection {@code y = x W^T + b} of the decoder. An interface so that adapters (LoRA) wrap a projection by
 * composition and leave the base weights untouched.
 */
public interface Linear {

    /** @param input (..., in) @return (..., out) */
    NDArray forward(NDArray input);

    /** The base weight, (out, in) as stored in Hugging Face checkpoints. */
    NDArray weight();

    /** The base bias, (out), or null. */
    NDArray bias();
}
