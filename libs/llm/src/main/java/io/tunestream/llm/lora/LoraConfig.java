package io.tunestream.llm.lora;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The hyperparameters of a LoRA adapter, as PEFT's {@code LoraConfig} names them.
 *
 * @param r                   rank of the update {@code B·A}
 * @param alpha               PEFT's {@code lora_alpha}; the update is scaled by {@link #scale()}
 * @param dropout             PEFT's {@code lora_dropout}: dropout on the adapter's input while training, in [0, 1)
 * @param targetModules       short names of the wrapped projections, a subset of {@link #ALL_PROJECTIONS}
 * @param useRsLora           rank-stabilised LoRA: scale {@code alpha / sqrt(r)} instead of {@code alpha / r}
 * @param baseModelNameOrPath the base model the adapter belongs to (PEFT's {@code base_model_name_or_path}), or null
 */
public record LoraConfig(
        int r,
        double alpha,
        double dropout,
        List<String> targetModules,
        boolean useRsLora,
        String baseModelNameOrPath) {

    /** Every linear layer of a Llama decoder block; the LM head is never adapted. */
    public static final List<String> ALL_PROJECTIONS =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    public LoraConfig {
        if (r <= 0) {
            throw new IllegalArgumentException("LoRA rank r must be positive, got " + r);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("lora_alpha must be positive and finite, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
        }
        targetModules = List.copyOf(targetModules);
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("target_modules is empty (accepted: any of " + ALL_PROJECTIONS + ")");
        }
        Set<String> seen = new HashSet<>();
        for (String module : targetModules) {
            if (!ALL_PROJECTIONS.contains(module)) {
                throw new IllegalArgumentException("target module \"" + module + "\" is not a projection of a Llama"
                        + " block (accepted: " + ALL_PROJECTIONS + ")");
            }
            if (!seen.add(module)) {
                throw new IllegalArgumentException("target module \"" + module + "\" is listed twice");
            }
        }
    }

    /** PEFT's defaults for causal-LM fine-tuning in Tunestream: r 8, alpha 16, dropout 0.05, every projection. */
    public static LoraConfig defaults() {
        return new LoraConfig(8, 16, 0.05, ALL_PROJECTIONS, false, null);
    }

    /** The factor the update {@code B·A} is multiplied by: {@code alpha / r}, or {@code alpha / sqrt(r)} with rsLoRA. */
    public double scale() {
        return useRsLora ? alpha / Math.sqrt(r) : alpha / r;
    }

    /** Whether a module such as {@code model.layers.0.self_attn.q_proj} is one this adapter wraps. */
    public boolean targets(String moduleName) {
        return targetModules.contains(moduleName.substring(moduleName.lastIndexOf('.') + 1));
    }
}
