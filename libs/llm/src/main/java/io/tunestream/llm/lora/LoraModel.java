package io.tunestream.llm.lora;

import ai.djl.ndarray.NDArray;
import io.tunestream.llm.model.Linear;
import io.tunestream.llm.model.LlamaModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Verbs that put LoRA adapters on a {@link LlamaModel} and act on all of them at once, in the spirit of litgpt's
 * {@code mark_only_lora_as_trainable}. The adapters are returned by Hugging Face module name (e.g.
 * {@code model.layers.0.self_attn.q_proj}), the names PEFT's files use.
 */
public final class LoraModel {

    private LoraModel() {}

    /**
     * Wraps every projection {@code config} targets with a fresh {@link LoraLinear}. Deterministic for a seed: the
     * layers draw their A matrices in module-name order from one generator.
     *
     * @return the new layers by module name, in that order
     * @throws IllegalArgumentException if a projection already carries an adapter
     */
    public static Map<String, LoraLinear> apply(LlamaModel model, LoraConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, LoraLinear> layers = new LinkedHashMap<>();
        for (String name : model.linearNames()) {
            if (!config.targets(name)) {
                continue;
            }
            Linear existing = model.linear(name);
            if (existing instanceof LoraLinear) {
                throw new IllegalArgumentException("\"" + name + "\" already has a LoRA adapter");
            }
            LoraLinear adapted = new LoraLinear(existing, config, random);
            model.replaceLinear(name, base -> adapted);
            layers.put(name, adapted);
        }
        return Collections.unmodifiableMap(layers);
    }

    /** Turns every adapter on or off; off gives the base model's outputs (e.g. a DPO reference model). */
    public static void setEnabled(Map<String, LoraLinear> layers, boolean enabled) {
        layers.values().forEach(layer -> layer.setEnabled(enabled));
    }

    /** Switches adapter dropout on (training) or off (evaluation). */
    public static void setTraining(Map<String, LoraLinear> layers, boolean training) {
        layers.values().forEach(layer -> layer.setTraining(training));
    }

    /** The arrays an optimiser updates: each layer's A then B, in the layers' order. Base weights are not included. */
    public static List<NDArray> trainableArrays(Map<String, LoraLinear> layers) {
        List<NDArray> arrays = new ArrayList<>();
        for (LoraLinear layer : layers.values()) {
            arrays.add(layer.loraA());
            arrays.add(layer.loraB());
        }
        return arrays;
    }

    /**
     * Attaches gradients to A and B only (the base weights carry none), as litgpt's
     * {@code mark_only_lora_as_trainable}; returns the arrays, as {@link #trainableArrays}.
     */
    public static List<NDArray> markOnlyLoraAsTrainable(Map<String, LoraLinear> layers) {
        List<NDArray> arrays = trainableArrays(layers);
        arrays.forEach(array -> array.setRequiresGradient(true));
        return arrays;
    }
}
