package io.tunestream.llm.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.lora.LoraConfig;
import io.tunestream.llm.lora.LoraLinear;
import io.tunestream.llm.lora.LoraModel;
import io.tunestream.llm.model.LlamaConfig;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import io.tunestream.llm.tokenizer.AddedTokens;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyExtensionTest {

    @TempDir
    static Path dir;

    private static Path scratch;

    @BeforeAll
    static void createScratchModel() throws IOException {
        SyntheticCorpus.write(dir.resolve("corpus"), new CorpusSpec(5, 20, 2, 2, EnumSet.allOf(TaskFamily.class)));
        scratch = dir.resolve("model");
        ScratchModel.create(
                scratch,
                dir.resolve("corpus").resolve(SyntheticCorpus.PRETRAIN_FILE),
                new ScratchModelSpec(3, 300, 32, 1, 2, 1, 64, 128));
    }

    @Test
    void addedTokensTakeTheNextIdsAndAreEncodedWhole() throws IOException {
        Path extended = dir.resolve("tokens");
        AddedTokens.Extension extension =
                AddedTokens.add(scratch, extended, List.of("<calc>", "<|im_end|>", "</calc>"), false);

        try (Tokenizer before = Tokenizer.load(scratch);
                Tokenizer after = Tokenizer.load(extended)) {
            int size = before.vocabSize();
            assertThat(extension.sizeBefore()).isEqualTo(size);
            // <|im_end|> is already a special token: only the two new ones are added, in order.
            assertThat(extension.added())
                    .containsExactlyInAnyOrderEntriesOf(Map.of("<calc>", size, "</calc>", size + 1));
            assertThat(extension.sizeAfter()).isEqualTo(size + 2);
            assertThat(after.vocabSize()).isEqualTo(size + 2);

            String text = "sum <calc>12+3</calc> done";
            int[] ids = after.encode(text, false);
            assertThat(ids).contains(size, size + 1);
            assertThat(before.encode(text, false)).doesNotContain(size, size + 1);
            assertThat(after.decode(ids, false)).isEqualTo(text);
            // The chat template and special tokens came along.
            assertThat(after.eosTokenIds()).containsExactly(before.eosTokenIds());
        }
        JsonNode config = new ObjectMapper()
                .readTree(extended.resolve("tokenizer_config.json").toFile());
        assertThat(config.path("added_tokens_decoder")
                        .path(String.valueOf(extension.sizeBefore()))
                        .path("content")
                        .asText())
                .isEqualTo("<calc>");
        assertThat(config.path("chat_template").asText()).isNotBlank();

        AddedTokens.Extension again = AddedTokens.add(extended, dir.resolve("tokens-again"), List.of("<calc>"), true);
        assertThat(again.added()).isEmpty();
        assertThat(again.sizeAfter()).isEqualTo(extension.sizeAfter());
    }

    @Test
    void specialAddedTokensAreSkippedWhenDecodingWithoutSpecials() {
        Path extended = dir.resolve("special");
        AddedTokens.Extension extension = AddedTokens.add(scratch, extended, List.of("<tool>"), true);
        try (Tokenizer tokenizer = Tokenizer.load(extended)) {
            int[] ids = tokenizer.encode("a<tool>b", false);
            assertThat(ids).contains(extension.firstNewId());
            assertThat(tokenizer.decode(ids, true)).isEqualTo("ab");
        }
    }

    @Test
    void aGrownVocabularyKeepsEveryOldLogitAndStartsNewRowsAtTheMean() {
        LlamaConfig untied = LlamaConfig.small(40, 32, 2, 4, 2, 64, 64);
        untied = new LlamaConfig(
                untied.architecture(),
                40,
                32,
                64,
                2,
                4,
                2,
                8,
                1e-5,
                10000,
                untied.ropeScaling(),
                false,
                64,
                false,
                false,
                false,
                null,
                List.of());
        try (LlamaModel model =
                        LlamaModel.initialize(untied, 5, Engine.getInstance().newBaseManager());
                LlamaModel grown =
                        model.withVocabularySize(43, Engine.getInstance().newBaseManager());
                NDManager scope = Engine.getInstance().newBaseManager()) {
            assertThat(grown.config().vocabSize()).isEqualTo(43);
            long[] ids = {1, 7, 39, 12};
            float[] oldLogits = logits(model, ids, scope);
            float[] newLogits = logits(grown, ids, scope);
            for (int position = 0; position < ids.length; position++) {
                for (int token = 0; token < 40; token++) {
                    assertThat(newLogits[position * 43 + token])
                            .isCloseTo(oldLogits[position * 40 + token], within(1e-5f));
                }
            }
            float[] embedding =
                    grown.namedWeights().get("model.embed_tokens.weight").toFloatArray();
            float[] original =
                    model.namedWeights().get("model.embed_tokens.weight").toFloatArray();
            for (int column = 0; column < 32; column++) {
                double mean = 0;
                for (int row = 0; row < 40; row++) {
                    mean += original[row * 32 + column];
                }
                assertThat(embedding[41 * 32 + column]).isCloseTo((float) (mean / 40), within(1e-6f));
            }
            assertThat(grown.namedWeights().get("lm_head.weight").getShape()).isEqualTo(new Shape(43, 32));
        }
        assertThatThrownBy(() -> {
                    try (LlamaModel model = LlamaModel.initialize(
                            LlamaConfig.small(40, 32, 1, 4, 2, 64, 64),
                            5,
                            Engine.getInstance().newBaseManager())) {
                        model.withVocabularySize(39, Engine.getInstance().newBaseManager());
                    }
                })
                .hasMessageContaining("can only grow");
    }

    @Test
    void underLoraOnlyTheAdaptersAndTheNewTokenRowsTrainAndTheNewTokenIsLearned() {
        int oldSize = 30;
        try (LlamaModel base = LlamaModel.initialize(
                        LlamaConfig.small(oldSize, 32, 2, 4, 2, 64, 64),
                        3,
                        Engine.getInstance().newBaseManager());
                LlamaModel model = base.withVocabularySize(
                        oldSize + 2, Engine.getInstance().newBaseManager())) {
            Map<String, LoraLinear> adapters =
                    LoraModel.apply(model, new LoraConfig(4, 8, 0, LoraConfig.ALL_PROJECTIONS, false, null), 11);
            Map<String, NDArray> trainable = new LinkedHashMap<>();
            adapters.forEach((name, layer) -> {
                trainable.put(name + ".lora_A.weight", layer.loraA());
                trainable.put(name + ".lora_B.weight", layer.loraB());
            });
            trainable.putAll(model.trainTokenRowsFrom(oldSize));
            assertThat(trainable)
                    .containsKey("model.embed_tokens.weight.new_rows")
                    .doesNotContainKey("lm_head.weight.new_rows");
            Map<String, float[]> before = snapshot(model);

            // Every sequence ends with new token 31 after the old token 5: learnable only through the new rows.
            List<TrainingExample> examples = new ArrayList<>();
            for (int start = 0; start < 8; start++) {
                examples.add(TrainingExample.allTokens(new int[] {start + 1, start + 2, 5, oldSize + 1}));
            }
            List<StepMetrics> history = new Trainer<>(
                            model,
                            trainable,
                            new CausalLmObjective(0),
                            new TrainingSettings(40, 4, 1, 3e-2, 0, LearningRateSchedule.Kind.CONSTANT, 1, 1.0, 0.0, 7))
                    .fit(examples, metrics -> {});
            assertThat(history.get(history.size() - 1).loss())
                    .isLessThan(history.get(0).loss() * 0.7);

            Map<String, float[]> after = snapshot(model);
            float[] embeddingBefore = before.get("model.embed_tokens.weight");
            float[] embeddingAfter = after.get("model.embed_tokens.weight");
            int width = 32;
            assertThat(Arrays.copyOf(embeddingAfter, oldSize * width))
                    .isEqualTo(Arrays.copyOf(embeddingBefore, oldSize * width));
            assertThat(Arrays.copyOfRange(embeddingAfter, oldSize * width, embeddingAfter.length))
                    .isNotEqualTo(Arrays.copyOfRange(embeddingBefore, oldSize * width, embeddingBefore.length));
            before.forEach((name, values) -> {
                if (!name.equals("model.embed_tokens.weight")) {
                    assertThat(after.get(name)).as(name).isEqualTo(values);
                }
            });
            try (NDManager scope = Engine.getInstance().newBaseManager()) {
                float[] logits = logits(model, new long[] {3, 4, 5}, scope);
                int last = 2 * (oldSize + 2);
                int best = 0;
                for (int token = 1; token < oldSize + 2; token++) {
                    best = logits[last + token] > logits[last + best] ? token : best;
                }
                assertThat(best).as("the token predicted after 5").isEqualTo(oldSize + 1);
            }
        }
    }

    private static float[] logits(LlamaModel model, long[] ids, NDManager scope) {
        try (NDManager step = scope.newSubManager()) {
            return model.forward(step.create(ids, new Shape(1, ids.length)), null, null, false)
                    .toFloatArray();
        }
    }

    private static Map<String, float[]> snapshot(LlamaModel model) {
        Map<String, float[]> values = new LinkedHashMap<>();
        model.namedWeights().forEach((name, array) -> values.put(name, array.toFloatArray()));
        return values;
    }
}
