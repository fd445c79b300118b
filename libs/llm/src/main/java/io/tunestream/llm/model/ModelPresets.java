package io.tunestream.llm.model;

import java.util.List;
import java.util.Locale;

/**
 * Named shapes for Llama models trained from scratch, so that tools and tests agree on what "tiny" and "small" mean.
 * Both tie the LM head to the embedding (see {@link LlamaConfig#small}) and use grouped-query attention.
 */
public final class ModelPresets {

    public static final String TINY = "tiny";
    public static final String SMALL = "small";
    public static final String MEDIUM = "medium";
    /** The preset names, in the order error messages list them. */
    public static final List<String> NAMES = List.of(TINY, SMALL, MEDIUM);

    private ModelPresets() {}

    /** About 1M parameters with a 1k vocabulary: hidden 128, 4 layers, 4 heads, 2 key/value heads, 512 positions. */
    public static LlamaConfig tiny(int vocabSize) {
        return LlamaConfig.small(vocabSize, 128, 4, 4, 2, 352, 512);
    }

    /** About 7M parameters with a 4k vocabulary: hidden 256, 8 layers, 8 heads, 4 key/value heads, 1024 positions. */
    public static LlamaConfig small(int vocabSize) {
        return LlamaConfig.small(vocabSize, 256, 8, 8, 4, 704, 1024);
    }

    /**
     * About 258M parameters with a 4k vocabulary: hidden 1536, 10 layers, 12 heads, 4 key/value heads, 2048 positions.
     * Too slow to train on two cores; it is the size at which memory benchmarks show what a quantized base saves.
     */
    public static LlamaConfig medium(int vocabSize) {
        return LlamaConfig.small(vocabSize, 1536, 10, 12, 4, 4096, 2048);
    }

    /**
     * A preset by name (case-insensitive).
     *
     * @throws IllegalArgumentException for a name other than {@link #NAMES}
     */
    public static LlamaConfig named(String name, int vocabSize) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case TINY -> tiny(vocabSize);
            case SMALL -> small(vocabSize);
            case MEDIUM -> medium(vocabSize);
            default -> throw new IllegalArgumentException("unknown model preset '" + name + "'; presets are " + NAMES);
        };
    }
}
