package io.tunestream.llm.model;

import ai.djl.engine.Engine;
import io.tunestream.llm.checkpoint.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small models with weights large enough that wrong attention or positions change the logits visibly. */
public final class RandomModels {

    private RandomModels() {}

    public static LlamaConfig qwenLikeGqa() {
        return new LlamaConfig(
                Architecture.QWEN2,
                97,
                48,
                80,
                2,
                6,
                2,
                8,
                1e-6,
                10000,
                RopeScaling.NONE,
                false,
                256,
                true,
                false,
                false,
                null,
                List.of());
    }

    public static Map<String, Tensor> weights(LlamaConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        LlamaModel.expectedShapes(config).forEach((name, shape) -> {
            float[] data = new float[(int) Arrays.stream(shape).reduce(1, Math::multiplyExact)];
            double scale = name.endsWith("norm.weight")
                    ? 0.1
                    : name.endsWith(".bias")
                            ? 0.1
                            : name.contains("embed") ? 0.5 : 1 / Math.sqrt(shape[shape.length - 1]);
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) ((name.endsWith("norm.weight") ? 1 : 0) + random.nextGaussian() * scale);
            }
            tensors.put(name, new Tensor(shape, data));
        });
        return tensors;
    }

    public static LlamaModel model(LlamaConfig config, long seed) {
        return LlamaModel.fromTensors(
                config, weights(config, seed), Engine.getInstance().newBaseManager());
    }
}
