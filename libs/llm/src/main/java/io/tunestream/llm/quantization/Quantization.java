package io.tunestream.llm.quantization;

import ai.djl.ndarray.NDScope;
import io.tunestream.llm.model.DenseLinear;
import io.tunestream.llm.model.Linear;
import io.tunestream.llm.model.LlamaConfig;
import io.tunestream.llm.model.LlamaModel;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Turns a model into a QLoRA-style frozen base: every attention and MLP projection stored in 8 or 4 bits, while the
 * embedding, the norms and the LM head stay F32 (they are small next to the projections, or, for the tied head, the
 * embedding that training touches). Adapters then wrap the quantized projections with {@code replaceLinear}.
 */
public final class Quantization {

    private static final List<String> PROJECTIONS = List.of(
            "self_attn.q_proj",
            "self_attn.k_proj",
            "self_attn.v_proj",
            "self_attn.o_proj",
            "mlp.gate_proj",
            "mlp.up_proj",
            "mlp.down_proj");
    private static final long F32_BYTES = 4;

    private Quantization() {}

    /**
     * Replaces every projection of {@code model} with its quantized version and closes the F32 weight it was made
     * from, so that its memory is freed at once rather than when the model closes. That weight is safe to close:
     * the model holds a projection's weight only through its {@link DenseLinear}, which is replaced here. Biases stay
     * F32 and shared. {@link QuantizationType#NONE} leaves the model as it is.
     *
     * @throws IllegalStateException when a projection is no longer a plain {@link DenseLinear} (already quantized,
     *                               or wrapped by an adapter): quantize the base once, before attaching adapters
     */
    public static void quantizeBase(LlamaModel model, QuantizationType type) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(type, "type");
        if (type == QuantizationType.NONE) {
            return;
        }
        List<String> names;
        try (NDScope dequantizedCopies = new NDScope()) {
            // linearNames() reads every weight(); a quantized projection would hand out copies, freed here.
            names = model.linearNames();
        }
        for (String name : names) {
            Linear base = model.linear(name);
            if (!(base instanceof DenseLinear dense)) {
                throw new IllegalStateException(
                        name + " is a " + base.getClass().getSimpleName() + "; only a plain"
                                + " DenseLinear base can be quantized (quantize once, before attaching adapters)");
            }
            QuantizedLinear quantized = switch (type) {
                case INT8 -> Int8Linear.quantize(dense.weight(), dense.bias());
                case NF4 -> Nf4Linear.quantize(dense.weight(), dense.bias());
                case NONE -> throw new AssertionError("handled above");
            };
            model.replaceLinear(name, replaced -> quantized);
            dense.weight().close();
        }
        // A weight made from Java data lives in a direct buffer, which the JVM frees only after a collection that
        // finds it unreachable; without one the F32 copies of every projection stay resident after being closed
        // and the quantized base saves nothing until some later, unrelated collection.
        System.gc();
    }

    /**
     * Bytes of the projection weights as stored: F32 for plain projections, codes and scales for quantized ones,
     * biases included.
     */
    public static long projectionBytes(LlamaModel model) {
        long bytes = 0;
        for (String name : projectionNames(model.config())) {
            Linear linear = model.linear(name);
            if (linear instanceof QuantizedLinear quantized) {
                bytes += quantized.storedBytes();
            } else {
                bytes += QuantizationChecks.bytes(linear.weight()) + QuantizationChecks.bytes(linear.bias());
            }
        }
        return bytes;
    }

    /**
     * An estimate of the bytes the model's weights take: {@link #projectionBytes} plus the F32 embedding, norms and
     * untied LM head. Rotary tables and scalars are left out.
     */
    public static long storedBytes(LlamaModel model) {
        LlamaConfig c = model.config();
        long embedding = (long) c.vocabSize() * c.hiddenSize();
        long norms = (2L * c.numLayers() + 1) * c.hiddenSize();
        long head = c.tieWordEmbeddings() ? 0 : embedding;
        return projectionBytes(model) + F32_BYTES * (embedding + norms + head);
    }

    /**
     * The projection names, from the config: {@code model.linearNames()} would read every {@code weight()}, which
     * on a quantized model dequantizes every projection just to list them.
     */
    private static List<String> projectionNames(LlamaConfig config) {
        return IntStream.range(0, config.numLayers())
                .boxed()
                .flatMap(layer -> PROJECTIONS.stream().map(projection -> "model.layers." + layer + "." + projection))
                .toList();
    }
}
