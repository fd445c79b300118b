package io.tunestream.llm.lora;

import static io.tunestream.llm.lora.LoraTestSupport.TOLERANCE;
import static io.tunestream.llm.lora.LoraTestSupport.adapterDirectory;
import static io.tunestream.llm.lora.LoraTestSupport.baseDirectory;
import static io.tunestream.llm.lora.LoraTestSupport.expectedCases;
import static io.tunestream.llm.lora.LoraTestSupport.ids;
import static io.tunestream.llm.lora.LoraTestSupport.logits;
import static io.tunestream.llm.lora.LoraTestSupport.maxDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.llm.checkpoint.CheckpointException;
import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.checkpoint.Tensor;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraMergeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temporary;

    @Test
    void mergeAddsScaleTimesBTimesAToTargetedWeightsOnly() {
        // W (2x3), A (1x3), B (2x1), alpha 3, r 1: W' = W + 3 B A
        Tensor weight = new Tensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        Tensor norm = new Tensor(new long[] {3}, new float[] {1, 1, 1});
        Tensor a = new Tensor(new long[] {1, 3}, new float[] {1, 0, -1});
        Tensor b = new Tensor(new long[] {2, 1}, new float[] {2, 0.5f});
        String module = "model.layers.0.self_attn.q_proj";
        PeftAdapter adapter = new PeftAdapter(
                new LoraConfig(1, 3, 0, List.of("q_proj"), false, null), Map.of(module, new PeftAdapter.Weights(a, b)));
        Map<String, Tensor> merged = LoraMerge.merge(
                Map.of(module + ".weight", weight, "model.layers.0.input_layernorm.weight", norm), adapter);
        assertThat(merged.get(module + ".weight").data()).containsExactly(7, 2, -3, 5.5f, 5, 4.5f);
        assertThat(merged.get("model.layers.0.input_layernorm.weight")).isSameAs(norm);
        assertThat(weight.data()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThatThrownBy(() -> LoraMerge.merge(Map.of(module + ".weight", norm), adapter))
                .hasMessageContaining("\"" + module + ".weight\" of shape [2, 3], found [3]");
    }

    @Test
    void mergeToCheckpointWritesALoadableModelWithTheBaseFilesAndTheAdaptersLogits() throws IOException {
        Path base = temporary.resolve("base");
        Files.createDirectories(base);
        for (String file : List.of("config.json", "model.safetensors")) {
            Files.copy(baseDirectory().resolve(file), base.resolve(file));
        }
        Files.writeString(
                base.resolve("generation_config.json"),
                "{\"bos_token_id\": 1, \"eos_token_id\": 2," + " \"do_sample\": true, \"temperature\": 0.6}");
        Files.writeString(base.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\"}}");
        Path out = temporary.resolve("merged");

        LoraMerge.mergeToCheckpoint(base, adapterDirectory(), out, DType.F32);

        assertThat(out.resolve("model.safetensors")).isRegularFile();
        assertThat(Files.readString(out.resolve("tokenizer.json")))
                .isEqualTo(Files.readString(base.resolve("tokenizer.json")));
        JsonNode generation =
                JSON.readTree(out.resolve("generation_config.json").toFile());
        assertThat(generation.get("temperature").asDouble()).isEqualTo(0.6);
        JsonNode baseConfig = JSON.readTree(base.resolve("config.json").toFile());
        assertThat(JSON.readTree(out.resolve("config.json").toFile())).isEqualTo(baseConfig);

        Inference.disableGradientsOnThisThread();
        try (LlamaModel merged = LlamaModel.load(out);
                LlamaModel live = LlamaModel.load(base)) {
            PeftAdapter adapter = PeftAdapter.read(adapterDirectory());
            adapter.loadInto(LoraModel.apply(live, adapter.config(), 1));
            for (JsonNode testCase : expectedCases(adapterDirectory())) {
                float[] mergedLogits = logits(merged, ids(testCase));
                assertThat(maxDifference(mergedLogits, logits(live, ids(testCase))))
                        .isLessThan(TOLERANCE);
                assertThat(maxDifference(mergedLogits, testCase.get("logits"))).isLessThan(TOLERANCE);
            }
        }
    }

    @Test
    void mergeToCheckpointRejectsAnAdapterForAnotherModel() throws IOException {
        Path out = temporary.resolve("merged");
        Path otherBase = baseDirectory().resolveSibling("llama-mha-untied-headdim-bf16");
        assertThatThrownBy(() -> LoraMerge.mergeToCheckpoint(otherBase, adapterDirectory(), out, DType.F32))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("does not fit the base model")
                .hasMessageContaining("\"model.layers.0.mlp.down_proj.weight\" of shape [48, 80], found [32, 64]");
        assertThat(out).doesNotExist();
    }
}
