package io.tunestream.llm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.llm.prompt.ChatMessage;
import io.tunestream.llm.prompt.JinjaPromptTemplate;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.prompt.PromptTemplates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {

    private static TrainedBpe bpe;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        bpe = BpeTrainer.builder().vocabSize(600).build().train(Corpus.lines(3000, 7));
    }

    /** Only tokenizer.json of the trained tokenizer, plus the given config files. */
    private Path modelDirectory(String... fileAndJson) throws IOException {
        Path trained = dir.resolve("trained");
        bpe.write(trained);
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.copy(trained.resolve("tokenizer.json"), model.resolve("tokenizer.json"));
        for (int i = 0; i < fileAndJson.length; i += 2) {
            Files.writeString(model.resolve(fileAndJson[i]), fileAndJson[i + 1]);
        }
        return model;
    }

    @Test
    void missingTokenizerJsonNamesTheDirectoryAndFile() {
        assertThatThrownBy(() -> Tokenizer.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model directory " + dir + " has no tokenizer.json");
    }

    @Test
    void readsSpecialTokensWrittenAsObjectsAndEosListsFromGenerationConfig() throws IOException {
        int endOfText = bpe.specialTokenId(BpeTrainer.END_OF_TEXT);
        int imEnd = bpe.specialTokenId(BpeTrainer.IM_END);
        Path model = modelDirectory(
                "tokenizer_config.json",
                """
                        {"bos_token": null,
                         "eos_token": {"content": "<|im_end|>", "lstrip": false, "special": true},
                         "pad_token": "<|endoftext|>",
                         "chat_template": [{"name": "tool_use", "template": "tools"},
                                           {"name": "default", "template": "{{ messages[0]['content'] }}"}]}""",
                "generation_config.json",
                "{\"eos_token_id\": [%d, %d], \"bos_token_id\": %d}".formatted(imEnd, endOfText, endOfText));

        try (Tokenizer tokenizer = Tokenizer.load(model)) {
            assertThat(tokenizer.eosTokenIds()).containsExactly(imEnd, endOfText);
            assertThat(tokenizer.eosToken()).hasValue("<|im_end|>");
            assertThat(tokenizer.bosTokenId()).hasValue(endOfText);
            assertThat(tokenizer.bosToken()).hasValue("<|endoftext|>");
            assertThat(tokenizer.padTokenId()).hasValue(endOfText);
            assertThat(tokenizer.chatTemplate()).hasValue("{{ messages[0]['content'] }}");
        }
    }

    @Test
    void fallsBackToConfigJsonIdsWhenNothingElseNamesThem() throws IOException {
        int endOfText = bpe.specialTokenId(BpeTrainer.END_OF_TEXT);
        Path model =
                modelDirectory("config.json", "{\"eos_token_id\": %d, \"pad_token_id\": null}".formatted(endOfText));

        try (Tokenizer tokenizer = Tokenizer.load(model)) {
            assertThat(tokenizer.eosTokenIds()).containsExactly(endOfText);
            assertThat(tokenizer.eosToken()).hasValue("<|endoftext|>");
            assertThat(tokenizer.bosTokenId()).isEmpty();
            assertThat(tokenizer.padTokenId()).isEmpty();
            assertThat(tokenizer.chatTemplate()).isEmpty();
        }
    }

    @Test
    void malformedConfigKeysAreReportedWithFileAndKey() throws IOException {
        Path model = modelDirectory("tokenizer_config.json", "{\"eos_token\": \"</s>\"}");

        assertThatThrownBy(() -> Tokenizer.load(model))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer_config.json: key 'eos_token' names token '</s>'");
        Files.writeString(model.resolve("tokenizer_config.json"), "{\"add_bos_token\": \"yes\"}");
        assertThatThrownBy(() -> Tokenizer.load(model))
                .hasMessageContaining("key 'add_bos_token' must be true, false or null");
    }

    @Test
    void addBosTokenPrependsBosWhenThePostProcessorDoesNot() throws IOException {
        int bos = bpe.specialTokenId(BpeTrainer.END_OF_TEXT);
        Path model =
                modelDirectory("tokenizer_config.json", "{\"bos_token\": \"<|endoftext|>\", \"add_bos_token\": true}");

        try (Tokenizer tokenizer = Tokenizer.load(model)) {
            int[] plain = tokenizer.encode("the model", false);
            int[] withSpecial = tokenizer.encode("the model");
            assertThat(withSpecial).hasSize(plain.length + 1).startsWith(bos);
            assertThat(tokenizer.decode(withSpecial, true)).isEqualTo("the model");
        }
    }

    @Test
    void neitherPadsNorTruncatesWhateverTheConfigSays() throws IOException {
        Path model =
                modelDirectory("tokenizer_config.json", "{\"model_max_length\": 8, \"pad_token\": \"<|endoftext|>\"}");

        try (Tokenizer tokenizer = Tokenizer.load(model)) {
            String longText = "the model is running in the garden and the river is simple. ".repeat(100);
            int[] ids = tokenizer.encode(longText);
            assertThat(ids.length).isGreaterThan(600);
            assertThat(tokenizer.decode(ids)).isEqualTo(longText);
            assertThat(tokenizer.encode("the")).hasSize(1);
            // No clean-up of spaces before punctuation: decoding returns exactly the text.
            assertThat(tokenizer.decode(tokenizer.encode("a , b . c ' d"))).isEqualTo("a , b . c ' d");
        }
    }

    @Test
    void tokenAndIdLookupsUseTheVocabularySpelling() throws IOException {
        try (Tokenizer tokenizer = Tokenizer.load(modelDirectory())) {
            int the = tokenizer.tokenToId("Ġthe");
            assertThat(tokenizer.idToToken(the)).isEqualTo("Ġthe");
            assertThat(tokenizer.idToToken(tokenizer.tokenToId("<|im_start|>"))).isEqualTo("<|im_start|>");
            assertThat(tokenizer.encode(" the")).containsExactly(the);
            assertThatThrownBy(() -> tokenizer.tokenToId("no such token"))
                    .hasMessageContaining("not in the vocabulary");
            assertThatThrownBy(() -> tokenizer.idToToken(600)).hasMessageContaining("token id 600");
        }
    }

    @Test
    void incrementalDecodingHoldsBackPartialCharactersAndAddsUpToTheWholeText() throws IOException {
        String text = "héllo 世界 🦜 the model's <|im_end|> done\n  x";
        try (Tokenizer tokenizer = Tokenizer.load(modelDirectory())) {
            int[] ids = tokenizer.encode(text);
            IncrementalDecoder decoder = tokenizer.incrementalDecoder(false);
            StringBuilder streamed = new StringBuilder();
            int heldBack = 0;
            for (int id : ids) {
                String delta = decoder.next(id);
                assertThat(delta).doesNotContain("\uFFFD");
                heldBack += delta.isEmpty() ? 1 : 0;
                streamed.append(delta);
            }
            streamed.append(decoder.flush());

            assertThat(streamed.toString()).isEqualTo(text);
            // 世, 界 and 🦜 are unseen multi-byte characters spelled in byte tokens: their first bytes wait.
            assertThat(heldBack).isGreaterThanOrEqualTo(2 + 2 + 3);
        }
    }

    @Test
    void incrementalDecodingCanSkipSpecialTokensAndFlushesIncompleteBytes() throws IOException {
        try (Tokenizer tokenizer = Tokenizer.load(modelDirectory())) {
            int[] parrot = tokenizer.encode("🦜");
            IncrementalDecoder decoder = tokenizer.incrementalDecoder(true);
            StringBuilder streamed = new StringBuilder(decoder.next(tokenizer.tokenToId("<|im_start|>")));
            streamed.append(decoder.next(tokenizer.tokenToId("Ġthe")));
            streamed.append(decoder.next(parrot[0]));
            streamed.append(decoder.next(parrot[1]));

            assertThat(streamed.toString()).isEqualTo(" the");
            assertThat(decoder.flush()).isNotEmpty().contains("\uFFFD");
        }
    }

    @Test
    void encodesConcurrentlyFromManyThreads() throws Exception {
        List<String> texts = Corpus.lines(200, 11);
        try (Tokenizer tokenizer = Tokenizer.load(modelDirectory())) {
            List<int[]> expected = texts.stream().map(tokenizer::encode).toList();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int thread = 0; thread < 8; thread++) {
                    results.add(pool.submit(() -> {
                        for (int i = 0; i < texts.size(); i++) {
                            int[] ids = tokenizer.encode(texts.get(i));
                            if (!Arrays.equals(ids, expected.get(i))
                                    || !tokenizer.decode(ids).equals(texts.get(i))) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> result : results) {
                    assertThat(result.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void promptTemplateForTokenizerPrefersTheCheckpointsOwnTemplate() throws IOException {
        Path trained = dir.resolve("full");
        bpe.write(trained);
        List<ChatMessage> messages = List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello"));

        try (Tokenizer withTemplate = Tokenizer.load(trained);
                Tokenizer withoutTemplate =
                        Tokenizer.load(modelDirectory("tokenizer_config.json", "{\"eos_token\": \"<|endoftext|>\"}"))) {
            PromptTemplate own = PromptTemplates.forTokenizer(withTemplate, "alpaca");
            assertThat(own).isInstanceOf(JinjaPromptTemplate.class);
            assertThat(own.render(messages, false))
                    .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n");

            PromptTemplate fallback = PromptTemplates.forTokenizer(withoutTemplate, "instruct");
            assertThat(fallback.render(messages, false)).isEqualTo("Instruct: Hi\nOutput: Hello<|endoftext|>");
        }
    }
}
