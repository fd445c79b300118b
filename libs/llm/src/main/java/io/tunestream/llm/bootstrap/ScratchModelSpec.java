package io.tunestream.llm.bootstrap;

/**
 * The shape of a model trained from scratch: a byte-level BPE vocabulary and a small Llama.
 *
 * @param vocabSize    target BPE vocabulary, special tokens included
 * @param maxPositions context length
 */
public record ScratchModelSpec(
        long seed,
        int vocabSize,
        int hiddenSize,
        int layers,
        int heads,
        int kvHeads,
        int intermediateSize,
        int maxPositions) {

    public ScratchModelSpec {
        if (vocabSize < 256 + 3) {
            throw new IllegalArgumentException(
                    "vocabSize must hold the 256 byte symbols and 3 special tokens, got " + vocabSize);
        }
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("hiddenSize " + hiddenSize + " must be a multiple of heads " + heads);
        }
    }

    /** A model that learns the synthetic tasks on a laptop CPU in minutes. */
    public static ScratchModelSpec defaults() {
        return new ScratchModelSpec(42, 1024, 128, 4, 4, 2, 352, 512);
    }
}
