package io.tunestream.llm.quantization;

/** How the frozen base projections of a model are stored. */
public enum QuantizationType {

    /** Plain F32 weights, as loaded. */
    NONE,
    /** 8-bit integers with one absmax scale per output channel ({@link Int8Linear}). */
    INT8,
    /** 4-bit NormalFloat codes with one absmax scale per block of 64 weights, as QLoRA ({@link Nf4Linear}). */
    NF4
}
