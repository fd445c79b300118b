package io.tunestream.llm.quantization;

import io.tunestream.llm.model.Linear;

/**
 * A frozen projection whose weight is stored in fewer bits and dequantized to F32 on every use.
 *
 * <p>{@link #weight()} returns a fresh dequantized F32 copy on each call (there is no F32 weight to return): the
 * copy belongs to the caller, who closes it or calls from inside an {@code NDScope}. {@code LlamaModel.namedWeights()}
 * and what builds on it ({@code parameterCount()}, {@code linearNames()}, {@code toTensors()}) call {@code weight()}
 * of every projection, so on a quantized model they briefly hold F32 copies of all projections.
 */
public interface QuantizedLinear extends Linear {

    /** How the weight is stored. */
    QuantizationType type();

    /** Bytes of the arrays this projection keeps alive: codes, scales and bias. */
    long storedBytes();
}
