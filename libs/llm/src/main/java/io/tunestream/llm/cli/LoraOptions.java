package io.tunestream.llm.cli;

import io.tunestream.llm.lora.LoraConfig;
import io.tunestream.llm.quantization.QuantizationType;
import io.tunestream.llm.training.FineTuneSpec;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** LoRA flags (sft, dpo); {@code --full} trains every weight instead. */
final class LoraOptions {

    @Option(names = "--full", description = "full fine-tuning instead of LoRA")
    boolean full;

    @Option(names = "--lora-r", defaultValue = "8")
    int rank;

    @Option(names = "--lora-alpha", defaultValue = "16")
    double alpha;

    @Option(names = "--lora-dropout", defaultValue = "0.05")
    double dropout;

    @Option(
            names = "--lora-targets",
            split = ",",
            description = "projections to adapt (default all: q,k,v,o,gate,up,down)")
    List<String> targets;

    @Option(names = "--rslora", description = "scale by alpha / sqrt(r) (rank-stabilised LoRA)")
    boolean rsLora;

    @Option(
            names = "--quantize",
            defaultValue = "none",
            description = "store the frozen base quantized (QLoRA style): none, int8 or nf4")
    String quantize;

    QuantizationType quantization() {
        QuantizationType type;
        try {
            type = QuantizationType.valueOf(quantize.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--quantize \"" + quantize + "\" is not one of none, int8, nf4", e);
        }
        if (full && type != QuantizationType.NONE) {
            throw new IllegalArgumentException(
                    "--quantize freezes a quantized base for LoRA; it cannot be used with --full");
        }
        return type;
    }

    /** Full fine-tuning, or LoRA over the base as {@code --quantize} stores it. */
    FineTuneSpec.Method method() {
        QuantizationType quantization = quantization();
        if (full) {
            return FineTuneSpec.Method.full();
        }
        return new FineTuneSpec.Method(
                new LoraConfig(
                        rank,
                        alpha,
                        dropout,
                        targets == null || targets.isEmpty() ? LoraConfig.ALL_PROJECTIONS : targets,
                        rsLora,
                        null),
                quantization);
    }
}
