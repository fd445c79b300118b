package io.tunestream.llm.lora;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.llm.ReferenceFixtures;
import io.tunestream.llm.checkpoint.Tensor;
import io.tunestream.llm.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/** The reference base model, its PEFT adapter fixture, and logits helpers shared by the LoRA tests. */
final class LoraTestSupport {

    static final String BASE = "llama-gqa-tied-f32";
    /** The engine computes in F32; the reference is float64 (its README: an F32 recompute lands within 1e-5). */
    static final double TOLERANCE = 1e-4;

    static final long[] PROMPT = {1, 17, 4, 33, 8, 60, 12, 0, 45, 9, 71, 23, 5, 5, 38, 77, 2};
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoraTestSupport() {}

    static Path baseDirectory() {
        return ReferenceFixtures.directory(BASE);
    }

    /** The adapter has no config.json, which ReferenceFixtures looks for: it lies beside its base. */
    static Path adapterDirectory() {
        return baseDirectory().resolveSibling(BASE + "-lora");
    }

    static JsonNode expectedCases(Path fixture) throws IOException {
        return JSON.readTree(fixture.resolve("expected.json").toFile()).get("cases");
    }

    static long[] ids(JsonNode testCase) {
        return IntStream.range(0, testCase.get("ids").size())
                .mapToLong(i -> testCase.get("ids").get(i).asLong())
                .toArray();
    }

    static float[] logits(LlamaModel model, long[] ids) {
        try (NDManager scope = model.manager().newSubManager()) {
            return model.forward(scope.create(ids, new Shape(1, ids.length)), null, null, false)
                    .toFloatArray();
        }
    }

    static double maxDifference(float[] logits, JsonNode expectedRows) {
        int vocab = expectedRows.get(0).size();
        assertThat(logits).hasSize(vocab * expectedRows.size());
        double worst = 0;
        for (int t = 0; t < expectedRows.size(); t++) {
            for (int v = 0; v < vocab; v++) {
                worst = Math.max(
                        worst,
                        Math.abs(logits[t * vocab + v]
                                - expectedRows.get(t).get(v).asDouble()));
            }
        }
        return worst;
    }

    static double maxDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    /** Gives every adapter a non-zero B (A is already random), so that the adapter changes the model. */
    static void randomizeB(Map<String, LoraLinear> layers, long seed) {
        Random random = new Random(seed);
        layers.values().forEach(layer -> {
            Tensor a = layer.loraATensor();
            Tensor b = layer.loraBTensor();
            float[] values = new float[b.data().length];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 0.1);
            }
            layer.load(a, new Tensor(b.shape(), values));
        });
    }
}
