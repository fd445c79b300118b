package io.tunestream.llm.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.ReferenceFixtures;
import io.tunestream.llm.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint Tunestream cannot run fails with an error naming the file, the tensor or key, and what is supported. */
class CheckpointErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temporary;

    private Path copyOfFixture(String name) throws IOException {
        Path source = ReferenceFixtures.directory(name);
        Path target = temporary.resolve(name);
        Files.createDirectories(target);
        try (var files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return target;
    }

    private Path withConfig(Consumer<ObjectNode> edit) throws Exception {
        Path directory = copyOfFixture("llama-gqa-tied-f32");
        ObjectNode config =
                (ObjectNode) JSON.readTree(directory.resolve("config.json").toFile());
        edit.accept(config);
        JSON.writeValue(directory.resolve("config.json").toFile(), config);
        return directory;
    }

    @Test
    void anotherArchitectureIsRefusedNamingWhatIsSupported() throws Exception {
        Path directory = withConfig(c -> c.putArray("architectures").add("MistralForCausalLM"));
        assertThatThrownBy(() -> LlamaModel.load(directory))
                .hasMessageContaining("config.json")
                .hasMessageContaining("MistralForCausalLM")
                .hasMessageContaining("LlamaForCausalLM, Qwen2ForCausalLM");
    }

    @Test
    void anUnsupportedRopeScalingIsRefused() throws Exception {
        Path directory = withConfig(
                c -> c.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0));
        assertThatThrownBy(() -> LlamaModel.load(directory))
                .hasMessageContaining("rope_scaling type \"yarn\"")
                .hasMessageContaining("\"llama3\"");
    }

    @Test
    void aShapeThatDisagreesWithTheConfigNamesTheTensor() throws Exception {
        Path directory = withConfig(c -> c.put("intermediate_size", 81));
        assertThatThrownBy(() -> LlamaModel.load(directory))
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("model.layers.0.mlp.gate_proj.weight")
                .hasMessageContaining("[80, 48]")
                .hasMessageContaining("[81, 48]");
    }

    @Test
    void missingTensorsAreListed() throws Exception {
        Path directory = withConfig(c -> c.put("num_hidden_layers", 3));
        assertThatThrownBy(() -> LlamaModel.load(directory))
                .hasMessageContaining("missing tensors")
                .hasMessageContaining("model.layers.2.input_layernorm.weight");
    }

    @Test
    void aTruncatedFileIsDetected() throws Exception {
        Path directory = copyOfFixture("llama-gqa-tied-f32");
        Path weights = directory.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> LlamaModel.load(directory))
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("truncated");
    }

    @Test
    void aDirectoryWithoutWeightsSaysWhatItExpects() throws IOException {
        Files.writeString(temporary.resolve("config.json"), "{}");
        assertThatThrownBy(() -> CheckpointFiles.open(temporary))
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("model.safetensors.index.json");
    }

    @Test
    void writtenFilesFollowTheFormat() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("z.weight", new Tensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        tensors.put("a.bias", new Tensor(new long[] {3}, new float[] {1.00390625f, -2.5f, 3e-3f}));
        Path file = temporary.resolve("t.safetensors");
        SafeTensorsWriter.write(file, tensors, DType.BF16);
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong();
        assertThat(headerLength % 8).isZero();
        String header = new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(header).contains("\"__metadata__\":{\"format\":\"pt\"}");
        assertThat(header.indexOf("\"a.bias\"")).isLessThan(header.indexOf("\"z.weight\""));
        try (SafeTensorsFile read = SafeTensorsFile.open(file)) {
            assertThat(read.info("a.bias").dtype()).isEqualTo(DType.BF16);
            // 1.00390625 = 1 + 2^-8 lies halfway between two BF16 values; nearest-even rounds it down to 1.
            assertThat(read.readFloats("a.bias")).containsExactly(1f, -2.5f, 0.0030059814f);
            assertThat(read.readFloats("z.weight")).containsExactly(1, 2, 3, 4, 5, 6);
        }
    }

    @Test
    void halfPrecisionConversionsAreExact() {
        assertThat(FloatConversions.f16ToFloat((short) 0x3C00)).isEqualTo(1f);
        assertThat(FloatConversions.f16ToFloat((short) 0xC000)).isEqualTo(-2f);
        assertThat(FloatConversions.f16ToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(FloatConversions.f16ToFloat((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(FloatConversions.f16ToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(FloatConversions.floatToBf16(1.01171875f)).isEqualTo((short) 0x3F82);
        assertThat(FloatConversions.bf16ToFloat((short) 0x3F80)).isEqualTo(1f);
    }
}
