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

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.checkpoint.CheckpointException;
import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.checkpoint.SafeTensorsFile;
import io.tunestream.llm.checkpoint.SafeTensorsWriter;
import io.tunestream.llm.checkpoint.Tensor;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftAdapterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String Q0 = "model.layers.0.self_attn.q_proj";

    @TempDir
    Path temporary;

    @BeforeAll
    static void inference() {
        Inference.disableGradientsOnThisThread();
    }

    @Test
    void readsTheReferenceAdapter() {
        PeftAdapter adapter = PeftAdapter.read(adapterDirectory());
        assertThat(adapter.config())
                .isEqualTo(
                        new LoraConfig(4, 8, 0, List.of("q_proj", "v_proj", "down_proj"), false, "llama-gqa-tied-f32"));
        assertThat(adapter.config().scale()).isEqualTo(2.0);
        assertThat(adapter.modules().keySet())
                .containsExactly(
                        "model.layers.0.mlp.down_proj",
                        Q0,
                        "model.layers.0.self_attn.v_proj",
                        "model.layers.1.mlp.down_proj",
                        "model.layers.1.self_attn.q_proj",
                        "model.layers.1.self_attn.v_proj");
        assertThat(adapter.modules().get(Q0).loraA().shape()).containsExactly(4, 48);
        assertThat(adapter.modules().get(Q0).loraB().shape()).containsExactly(48, 4);
        assertThat(adapter.modules().get("model.layers.1.mlp.down_proj").loraA().shape())
                .containsExactly(4, 80);
        assertThat(adapter.modules()
                        .get("model.layers.1.self_attn.v_proj")
                        .loraB()
                        .shape())
                .containsExactly(16, 4);
    }

    @Test
    void theReferenceAdapterAppliedLiveGivesTheReferenceLogits() throws IOException {
        PeftAdapter adapter = PeftAdapter.read(adapterDirectory());
        try (LlamaModel model = LlamaModel.load(baseDirectory())) {
            Map<String, LoraLinear> layers = LoraModel.apply(model, adapter.config(), 1);
            adapter.loadInto(layers);
            for (JsonNode testCase : expectedCases(adapterDirectory())) {
                assertThat(maxDifference(logits(model, ids(testCase)), testCase.get("logits")))
                        .as("prompt %s", testCase.get("ids"))
                        .isLessThan(TOLERANCE);
            }
            // and the fixture is one the base model fails: the adapter matters
            LoraModel.setEnabled(layers, false);
            for (JsonNode testCase : expectedCases(adapterDirectory())) {
                assertThat(maxDifference(logits(model, ids(testCase)), testCase.get("logits")))
                        .isGreaterThan(0.1);
            }
        }
    }

    @Test
    void theReferenceAdapterMergedGivesTheReferenceLogits() throws IOException {
        PeftAdapter adapter = PeftAdapter.read(adapterDirectory());
        try (LlamaModel base = LlamaModel.load(baseDirectory());
                LlamaModel merged = LlamaModel.fromTensors(
                        base.config(),
                        LoraMerge.merge(base.toTensors(), adapter),
                        Engine.getInstance().newBaseManager())) {
            for (JsonNode testCase : expectedCases(adapterDirectory())) {
                assertThat(maxDifference(logits(merged, ids(testCase)), testCase.get("logits")))
                        .isLessThan(TOLERANCE);
            }
        }
    }

    @Test
    void writesPeftKeyNamesShapesAndTheConfigAsPeftDoes() throws IOException {
        PeftAdapter adapter = PeftAdapter.read(adapterDirectory());
        Path out = temporary.resolve("adapter");
        adapter.write(out);
        // byte for byte what the reference (json.dumps(indent=2, sort_keys=True), as PEFT's save_pretrained) wrote
        assertThat(Files.readString(out.resolve(PeftAdapter.CONFIG_FILE)))
                .isEqualTo(Files.readString(adapterDirectory().resolve(PeftAdapter.CONFIG_FILE)));
        try (SafeTensorsFile written = SafeTensorsFile.open(out.resolve(PeftAdapter.WEIGHTS_FILE));
                SafeTensorsFile reference =
                        SafeTensorsFile.open(adapterDirectory().resolve(PeftAdapter.WEIGHTS_FILE))) {
            assertThat(written.tensors().keySet())
                    .containsExactlyElementsOf(reference.tensors().keySet())
                    .contains(
                            "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                            "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight");
            for (String key : reference.tensors().keySet()) {
                assertThat(written.info(key).dtype()).isEqualTo(DType.F32);
                assertThat(written.info(key).shape())
                        .as(key)
                        .containsExactly(reference.info(key).shape());
                assertThat(written.readFloats(key)).as(key).containsExactly(reference.readFloats(key));
            }
        }
    }

    @Test
    void aDefaultConfigIsWrittenWithEveryPeftField() throws IOException {
        Path out = temporary.resolve("defaults");
        try (LlamaModel model = LlamaModel.load(baseDirectory())) {
            LoraConfig config = new LoraConfig(8, 16, 0.05, LoraConfig.ALL_PROJECTIONS, true, "some/base");
            PeftAdapter.from(LoraModel.apply(model, config, 3), config).write(out);
        }
        JsonNode json = JSON.readTree(out.resolve(PeftAdapter.CONFIG_FILE).toFile());
        assertThat(json.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(json.get("task_type").asText()).isEqualTo("CAUSAL_LM");
        assertThat(json.get("r").isInt()).isTrue();
        assertThat(json.get("lora_alpha").isInt()).isTrue();
        assertThat(json.get("lora_alpha").asInt()).isEqualTo(16);
        assertThat(json.get("lora_dropout").asDouble()).isEqualTo(0.05);
        assertThat(json.get("use_rslora").asBoolean()).isTrue();
        assertThat(json.get("base_model_name_or_path").asText()).isEqualTo("some/base");
        assertThat(json.get("target_modules")).hasSize(7);
        assertThat(json.get("fan_in_fan_out").asBoolean()).isFalse();
        assertThat(json.get("use_dora").asBoolean()).isFalse();
        assertThat(json.get("inference_mode").asBoolean()).isTrue();
        assertThat(json.get("init_lora_weights").asBoolean()).isTrue();
        assertThat(json.get("bias").asText()).isEqualTo("none");
        for (String empty : List.of("rank_pattern", "alpha_pattern")) {
            assertThat(json.get(empty).isObject() && json.get(empty).isEmpty())
                    .as(empty)
                    .isTrue();
        }
        for (String nothing : List.of("modules_to_save", "revision", "layers_to_transform", "layers_pattern")) {
            assertThat(json.get(nothing).isNull()).as(nothing).isTrue();
        }
        PeftAdapter reread = PeftAdapter.read(out);
        assertThat(reread.config())
                .isEqualTo(new LoraConfig(8, 16, 0.05, LoraConfig.ALL_PROJECTIONS, true, "some/base"));
        assertThat(reread.modules()).hasSize(14);
    }

    @Test
    void roundTripKeepsKeysShapesAndValues() {
        PeftAdapter adapter = PeftAdapter.read(adapterDirectory());
        Path out = temporary.resolve("round-trip");
        adapter.write(out);
        PeftAdapter reread = PeftAdapter.read(out);
        assertThat(reread.config()).isEqualTo(adapter.config());
        assertThat(reread.modules().keySet())
                .containsExactlyElementsOf(adapter.modules().keySet());
        adapter.modules().forEach((name, weights) -> {
            assertThat(reread.modules().get(name).loraA().shape())
                    .containsExactly(weights.loraA().shape());
            assertThat(reread.modules().get(name).loraA().data())
                    .containsExactly(weights.loraA().data());
            assertThat(reread.modules().get(name).loraB().data())
                    .containsExactly(weights.loraB().data());
        });
    }

    @Test
    void acceptsStateDictKeysAndARegexTargetModules() throws IOException {
        Path copy = copyOfReference(json -> json.put("target_modules", ".*\\.(q_proj|v_proj|down_proj)"));
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        readAll(copy).forEach((key, tensor) -> renamed.put(key.replace(".weight", ".default.weight"), tensor));
        SafeTensorsWriter.write(copy.resolve(PeftAdapter.WEIGHTS_FILE), renamed, DType.F32);
        PeftAdapter adapter = PeftAdapter.read(copy);
        PeftAdapter reference = PeftAdapter.read(adapterDirectory());
        assertThat(adapter.modules().keySet())
                .containsExactlyElementsOf(reference.modules().keySet());
        assertThat(adapter.config().targetModules()).containsExactlyInAnyOrder("q_proj", "v_proj", "down_proj");
        assertThat(adapter.modules().get(Q0).loraB().data())
                .containsExactly(reference.modules().get(Q0).loraB().data());
    }

    @Test
    void rejectsDora() throws IOException {
        Path copy = copyOfReference(json -> json.put("use_dora", true));
        assertThatThrownBy(() -> PeftAdapter.read(copy))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(copy.resolve("adapter_config.json").toString())
                .hasMessageContaining("\"use_dora\"")
                .hasMessageContaining("only plain LoRA");
    }

    @Test
    void rejectsRankPatternsFanInFanOutAndOtherPeftTypes() throws IOException {
        Path patterns = copyOfReference(json -> json.putObject("rank_pattern").put("q_proj", 8));
        assertThatThrownBy(() -> PeftAdapter.read(patterns))
                .hasMessageContaining("adapter_config.json")
                .hasMessageContaining("\"rank_pattern\"")
                .hasMessageContaining("only an empty rank_pattern");
        Path conv1d = copyOfReference(json -> json.put("fan_in_fan_out", true));
        assertThatThrownBy(() -> PeftAdapter.read(conv1d)).hasMessageContaining("\"fan_in_fan_out\"");
        Path ia3 = copyOfReference(json -> json.put("peft_type", "IA3"));
        assertThatThrownBy(() -> PeftAdapter.read(ia3))
                .hasMessageContaining("\"peft_type\" is \"IA3\"")
                .hasMessageContaining("only LORA");
    }

    @Test
    void rejectsAMissingPartnerNamingTheFileAndKey() throws IOException {
        Path copy = copyOfReference(json -> {});
        Map<String, Tensor> tensors = readAll(copy);
        String orphan = "base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight";
        tensors.remove("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight");
        SafeTensorsWriter.write(copy.resolve(PeftAdapter.WEIGHTS_FILE), tensors, DType.F32);
        assertThatThrownBy(() -> PeftAdapter.read(copy))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(copy.resolve(PeftAdapter.WEIGHTS_FILE).toString())
                .hasMessageContaining("\"" + orphan + "\" has no lora_B partner");
    }

    @Test
    void rejectsShapesThatDisagreeWithR() throws IOException {
        Path copy = copyOfReference(json -> json.put("r", 8));
        assertThatThrownBy(() -> PeftAdapter.read(copy))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(copy.resolve(PeftAdapter.WEIGHTS_FILE).toString())
                .hasMessageContaining("has shape [4, ")
                .hasMessageContaining("but r is 8");
    }

    @Test
    void rejectsUnknownKeysNamingWhatIsAccepted() throws IOException {
        Path copy = copyOfReference(json -> {});
        Map<String, Tensor> tensors = readAll(copy);
        tensors.put("base_model.model.lm_head.lora_A.weight", new Tensor(new long[] {4, 48}, new float[4 * 48]));
        SafeTensorsWriter.write(copy.resolve(PeftAdapter.WEIGHTS_FILE), tensors, DType.F32);
        assertThatThrownBy(() -> PeftAdapter.read(copy))
                .hasMessageContaining("unexpected tensor \"base_model.model.lm_head.lora_A.weight\"")
                .hasMessageContaining("accepted: base_model.model.<module>.lora_A.weight");
    }

    @Test
    void loadIntoChecksModulesAndScale() {
        PeftAdapter adapter = PeftAdapter.read(adapterDirectory());
        try (LlamaModel model = LlamaModel.load(baseDirectory())) {
            LoraConfig otherAlpha = new LoraConfig(4, 16, 0, adapter.config().targetModules(), false, null);
            Map<String, LoraLinear> layers = LoraModel.apply(model, otherAlpha, 1);
            assertThatThrownBy(() -> adapter.loadInto(layers))
                    .hasMessageContaining("is scaled by 4.0")
                    .hasMessageContaining("gives 2.0");
        }
        try (LlamaModel model = LlamaModel.load(baseDirectory())) {
            Map<String, LoraLinear> all = LoraModel.apply(model, LoraConfig.defaults(), 1);
            assertThatThrownBy(() -> adapter.loadInto(all))
                    .hasMessageContaining("not in the adapter [")
                    .hasMessageContaining("model.layers.0.self_attn.k_proj");
        }
    }

    private Path copyOfReference(Consumer<ObjectNode> edit) throws IOException {
        Path copy = Files.createTempDirectory(temporary, "adapter");
        Files.copy(adapterDirectory().resolve(PeftAdapter.WEIGHTS_FILE), copy.resolve(PeftAdapter.WEIGHTS_FILE));
        ObjectNode json = (ObjectNode) JSON.readTree(
                adapterDirectory().resolve(PeftAdapter.CONFIG_FILE).toFile());
        edit.accept(json);
        JSON.writeValue(copy.resolve(PeftAdapter.CONFIG_FILE).toFile(), json);
        return copy;
    }

    private static Map<String, Tensor> readAll(Path adapter) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafeTensorsFile file = SafeTensorsFile.open(adapter.resolve(PeftAdapter.WEIGHTS_FILE))) {
            file.tensors().keySet().forEach(key -> tensors.put(key, file.read(key)));
        }
        return tensors;
    }
}
