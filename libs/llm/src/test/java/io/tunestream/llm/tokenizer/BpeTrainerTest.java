package io.tunestream.llm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {

    @TempDir
    Path dir;

    @Test
    void mergesTheMostFrequentPairFirstAndBreaksTiesByPairText() {
        // Words "ab" (1), " ab" (1), " cd" (2): pairs a+b, c+d and Ġ+c occur twice; "a" sorts before "c" and "Ġ".
        TrainedBpe bpe =
                BpeTrainer.builder().vocabSize(300).minFrequency(2).build().train(List.of("ab ab cd cd"));

        assertThat(bpe.merges()).containsExactly("a b", "c d", "Ġ cd");
        assertThat(bpe.symbols()).hasSize(259).endsWith("ab", "cd", "Ġcd");
        assertThat(bpe.specialTokenId(BpeTrainer.END_OF_TEXT)).isEqualTo(259);
        assertThat(bpe.vocabSize()).isEqualTo(262);
    }

    @Test
    void trainedTokenizerLoadsInDjlAndRoundTripsUnseenText() throws IOException {
        TrainedBpe bpe = BpeTrainer.builder().vocabSize(1000).build().train(Corpus.lines(5000, 1));
        bpe.write(dir);

        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            assertThat(tokenizer.vocabSize()).isEqualTo(1000).isEqualTo(bpe.vocabSize());
            for (String text : List.of(
                    "héllo 世界\n  x",
                    "emoji 🦜🚀 never seen\ttabs\r\n",
                    "the model's answer: 42.",
                    "  leading and trailing  ",
                    "")) {
                assertThat(tokenizer.decode(tokenizer.encode(text))).as(text).isEqualTo(text);
            }
            // Frequent words became single tokens, with and without their leading space.
            assertThat(tokenizer.encode(" the")).containsExactly(tokenizer.tokenToId("Ġthe"));
            assertThat(tokenizer.encode(" training")).hasSize(1);
            assertThat(tokenizer.encode("the training model")).hasSize(3);
            // A byte-level vocabulary: an unseen character is spelled in byte tokens, never unknown.
            assertThat(tokenizer.encode("🦜")).hasSize(4);
        }
    }

    @Test
    void individualDigitsNeverMergeAndEncodeTheSameWhereverTheyStand() throws IOException {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            texts.add("What is " + (i % 97) + " + " + (i % 13) + "? Answer: " + (i % 97 + i % 13) + " apples");
        }
        TrainedBpe plain = BpeTrainer.builder().vocabSize(400).build().train(texts);
        TrainedBpe split = BpeTrainer.builder()
                .vocabSize(400)
                .individualDigits(true)
                .build()
                .train(texts);
        // Without the option the frequent numbers merge with their space and with each other.
        assertThat(plain.symbols().subList(256, plain.symbols().size()))
                .anySatisfy(symbol -> assertThat(symbol).containsPattern("\\d").hasSizeGreaterThan(1));
        assertThat(split.symbols().subList(256, split.symbols().size()))
                .allSatisfy(symbol -> assertThat(symbol).doesNotContainPattern("\\d"));
        split.write(dir);

        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            int[] numberAlone = tokenizer.encode("1234", false);
            assertThat(numberAlone)
                    .containsExactly(
                            tokenizer.tokenToId("1"),
                            tokenizer.tokenToId("2"),
                            tokenizer.tokenToId("3"),
                            tokenizer.tokenToId("4"));
            int[] inText = tokenizer.encode("What is 1234 + 7?", false);
            assertThat(Arrays.stream(inText).boxed().toList())
                    .containsSubsequence(Arrays.stream(numberAlone).boxed().toList())
                    .contains(tokenizer.tokenToId("7"));
            // Words still merge, and text round-trips.
            assertThat(tokenizer.encode(" apples", false)).hasSize(1);
            for (String text : List.of("What is 12 + 7? Answer: 19", "x²+3½ 42nd", "  9  ")) {
                assertThat(tokenizer.decode(tokenizer.encode(text))).as(text).isEqualTo(text);
            }
        }
    }

    @Test
    void specialTokensEncodeToSingleIdsWhereverTheyAppear() {
        TrainedBpe bpe = BpeTrainer.builder().vocabSize(400).build().train(Corpus.lines(500, 2));
        bpe.write(dir);

        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            int imStart = bpe.specialTokenId(BpeTrainer.IM_START);
            int imEnd = bpe.specialTokenId(BpeTrainer.IM_END);
            int[] ids = tokenizer.encode("<|im_start|>user\nthe model<|im_end|>\n");
            assertThat(ids[0]).isEqualTo(imStart);
            assertThat(ids[ids.length - 2]).isEqualTo(imEnd);
            assertThat(Arrays.stream(ids).filter(id -> id >= 256 + bpe.merges().size()))
                    .hasSize(2);
            assertThat(tokenizer.decode(ids)).isEqualTo("<|im_start|>user\nthe model<|im_end|>\n");
            assertThat(tokenizer.decode(ids, true)).isEqualTo("user\nthe model\n");
            assertThat(tokenizer.eosTokenIds()).containsExactly(imEnd);
            assertThat(tokenizer.bosTokenId()).hasValue(bpe.specialTokenId(BpeTrainer.END_OF_TEXT));
            assertThat(tokenizer.padTokenId()).hasValue(bpe.specialTokenId(BpeTrainer.END_OF_TEXT));
            assertThat(tokenizer.chatTemplate()).isPresent();
            // The written config adds no BOS: encoding plain text gives plain ids.
            assertThat(tokenizer.encode("the", true)).isEqualTo(tokenizer.encode("the", false));
        }
    }

    @Test
    void specialTokensInTrainingTextNeverBecomeMerges() {
        List<String> chats = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            chats.add("<|im_start|>user\nquestion " + i + "<|im_end|>\n<|im_start|>assistant\nanswer<|im_end|>\n");
        }
        TrainedBpe bpe = BpeTrainer.builder().vocabSize(600).build().train(chats);

        assertThat(bpe.symbols()).noneMatch(symbol -> symbol.contains("im_"));
        assertThat(bpe.symbols()).contains("answer", "question");
    }

    @Test
    void sameCorpusAndSettingsWriteByteIdenticalFiles() throws IOException {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        BpeTrainer.builder().vocabSize(500).build().train(Corpus.lines(1000, 3)).write(first);
        BpeTrainer.builder().vocabSize(500).build().train(Corpus.lines(1000, 3)).write(second);

        for (String file : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            assertThat(Files.readAllBytes(first.resolve(file)))
                    .as(file)
                    .isEqualTo(Files.readAllBytes(second.resolve(file)));
        }
    }

    @Test
    void stopsBelowMinFrequency() {
        TrainedBpe bpe =
                BpeTrainer.builder().vocabSize(1000).minFrequency(3).build().train(List.of("xy xy zw"));

        // " xy" occurs twice: nothing reaches three occurrences.
        assertThat(bpe.merges()).isEmpty();
        assertThat(bpe.vocabSize()).isEqualTo(256 + 3);
    }

    @Test
    void trainsAFourThousandTokenVocabularyOnFiveMegabytesInSeconds() {
        List<String> text = Corpus.lines(100_000, 4);
        long bytes = text.stream().mapToLong(String::length).sum();
        long start = System.nanoTime();

        TrainedBpe bpe =
                BpeTrainer.builder().vocabSize(4096).minFrequency(2).build().train(text);

        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(bytes).isGreaterThan(5_000_000);
        assertThat(bpe.vocabSize()).isEqualTo(4096);
        assertThat(seconds).as("training seconds").isLessThan(30);
    }

    @Test
    void rejectsSettingsItCannotHonour() {
        assertThatThrownBy(() -> BpeTrainer.builder().vocabSize(200).build())
                .hasMessageContaining("vocabSize 200 must be at least 259");
        assertThatThrownBy(() -> BpeTrainer.builder().eosToken("</s>").build())
                .hasMessage("eosToken '</s>' must be one of the special tokens"
                        + " [<|endoftext|>, <|im_start|>, <|im_end|>]");
        assertThatThrownBy(() -> BpeTrainer.builder().minFrequency(0).build())
                .hasMessageContaining("minFrequency must be at least 1");
    }
}
