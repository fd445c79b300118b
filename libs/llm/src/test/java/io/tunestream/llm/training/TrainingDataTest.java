package io.tunestream.llm.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunestream.llm.data.PreferenceRecord;
import io.tunestream.llm.prompt.ChatMessage;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tokenizer.BpeTrainer;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDataTest {

    private static Tokenizer tokenizer;
    private static TrainingData data;

    @BeforeAll
    static void tokenizer(@TempDir Path directory) {
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            corpus.add("What is " + i + " + " + (i * 7 % 13) + "? The answer is " + (i + i * 7 % 13) + ".");
        }
        BpeTrainer.builder().vocabSize(400).build().train(corpus).write(directory);
        tokenizer = Tokenizer.load(directory);
        data = new TrainingData(tokenizer, PromptTemplates.named(PromptTemplates.CHATML));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static String learnedText(TrainingExample example) {
        List<Integer> learned = new ArrayList<>();
        for (int i = 0; i < example.ids().length; i++) {
            if (example.learn()[i]) {
                learned.add(example.ids()[i]);
            }
        }
        return tokenizer.decode(learned.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void sftLearnsEveryAssistantTurnAndNothingElse() {
        TrainingExample example = data.sft(
                List.of(
                        ChatMessage.user("What is 2 + 3?"),
                        ChatMessage.assistant("5"),
                        ChatMessage.user("And 4 + 4?"),
                        ChatMessage.assistant("8")),
                512);
        assertThat(learnedText(example)).isEqualTo("5<|im_end|>8<|im_end|>");
        assertThat(tokenizer.decode(example.ids()))
                .isEqualTo("<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\n5<|im_end|>\n"
                        + "<|im_start|>user\nAnd 4 + 4?<|im_end|>\n<|im_start|>assistant\n8<|im_end|>\n");
        assertThat(data.sft(List.of(ChatMessage.user("What is 2 + 3?"), ChatMessage.assistant("5")), 6)
                        .ids())
                .hasSize(6);
    }

    @Test
    void pretrainingTextIsPackedIntoFullBlocks() {
        List<String> texts = List.of(
                "What is 1 + 2? The answer is 3.",
                "What is 10 + 5? The answer is 15.",
                "What is 7 + 7? The answer is 14.");
        List<Integer> stream = new ArrayList<>();
        for (String text : texts) {
            Arrays.stream(tokenizer.encode(text, false)).forEach(stream::add);
            stream.add(tokenizer.eosTokenIds()[0]);
        }
        List<TrainingExample> blocks = data.pretrainBlocks(texts, 8);
        assertThat(blocks).hasSize(stream.size() / 8);
        List<Integer> packed = new ArrayList<>();
        for (TrainingExample block : blocks) {
            assertThat(block.ids()).hasSize(8);
            assertThat(block.learnedTokens()).isEqualTo(7);
            Arrays.stream(block.ids()).forEach(packed::add);
        }
        assertThat(packed).containsExactlyElementsOf(stream.subList(0, packed.size()));
    }

    @Test
    void preferencePairsShareThePromptAndLearnOnlyTheAnswers() {
        PreferenceExample pair = data.preference(new PreferenceRecord("What is 2 + 3?", "5", "7"), 512, 512);
        int promptLength = pair.chosen().ids().length - pair.chosen().learnedTokens();
        assertThat(Arrays.copyOf(pair.rejected().ids(), promptLength))
                .containsExactly(Arrays.copyOf(pair.chosen().ids(), promptLength));
        assertThat(learnedText(pair.chosen())).isEqualTo("5<|im_end|>");
        assertThat(learnedText(pair.rejected())).isEqualTo("7<|im_end|>");
        assertThat(tokenizer.decode(Arrays.copyOf(pair.chosen().ids(), promptLength)))
                .isEqualTo("<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void longPairsKeepTheEndOfThePromptAndFitTheLimit() {
        String longPrompt = "What is 1 + 2? ".repeat(30) + "Last question: what is 3 + 4?";
        PreferenceExample pair = data.preference(new PreferenceRecord(longPrompt, "The answer is 7.", "8"), 40, 24);
        assertThat(pair.chosen().ids().length).isLessThanOrEqualTo(40);
        int promptLength = pair.chosen().ids().length - pair.chosen().learnedTokens();
        assertThat(promptLength).isEqualTo(24);
        assertThat(tokenizer.decode(Arrays.copyOf(pair.chosen().ids(), promptLength)))
                .endsWith("what is 3 + 4?<|im_end|>\n<|im_start|>assistant\n");
        assertThat(learnedText(pair.chosen())).isEqualTo("The answer is 7.<|im_end|>");
    }
}
