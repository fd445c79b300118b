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
    /** The preset names, in the order error messages list them. */
    public static final List<String> NAMES = List.of(TINY, SMALL);

    private ModelPresets() {
    }

    /** About 1M parameters with a 1k vocabulary: hidden 128, 4 layers, 4 heads, 2 key/value heads, 512 positions. */
    public static LlamaConfig tiny(int vocabSize) {
        return LlamaConfig.small(vocabSize, 128, 4, 4, 2, 352, 512);
    }

    /** About 7M parameters with a 4k vocabulary: hidden 256, 8 layers, 8 heads, 4 key/value heads, 1024 positions. */
    public static LlamaConfig small(int vocabSize) {
        return LlamaConfig.small(vocabSize, 256, 8, 8, 4, 704, 1024);
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
            default -> throw new IllegalArgumentException("unknown model preset '" + name + "'; presets are " + NAMES);
        };
    }
}
