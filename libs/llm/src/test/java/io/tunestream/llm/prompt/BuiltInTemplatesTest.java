package io.tunestream.llm.prompt;

import static io.tunestream.llm.prompt.ChatMessage.assistant;
import static io.tunestream.llm.prompt.ChatMessage.system;
import static io.tunestream.llm.prompt.ChatMessage.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

class BuiltInTemplatesTest {

    private static final List<ChatMessage> TWO_TURNS =
            List.of(system("Be brief."), user("What is 2+2?"), assistant("4"), user("And 3+3?"), assistant("6"));

    @Test
    void chatMLRendersEveryMessageAsATurn() {
        PromptTemplate chatml = PromptTemplates.named("chatml");

        assertThat(chatml.render(List.of(system("Be brief."), user("Hi")), true))
                .isEqualTo(
                        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(chatml.segments(List.of(user("Hi"), assistant("Hello"))))
                .containsExactly(
                        new PromptSegment("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", false),
                        new PromptSegment("Hello<|im_end|>", true),
                        new PromptSegment("\n", false));
    }

    @Test
    void alpacaPrependsTheSystemMessageAndRepeatsBlocks() {
        PromptTemplate alpaca = PromptTemplates.named("Alpaca", "</s>");

        String expected = AlpacaTemplate.PREAMBLE
                + "### Instruction:\nBe brief.\n\nWhat is 2+2?\n\n### Response:\n4</s>"
                + "\n\n### Instruction:\nAnd 3+3?\n\n### Response:\n6</s>";
        assertThat(alpaca.render(TWO_TURNS, false)).isEqualTo(expected);
        assertThat(alpaca.render(TWO_TURNS.subList(0, 2), true))
                .isEqualTo(
                        "Below is an instruction that describes a task. Write a response that appropriately completes the"
                                + " request.\n\n### Instruction:\nBe brief.\n\nWhat is 2+2?\n\n### Response:\n");
        assertThat(alpaca.segments(TWO_TURNS))
                .extracting(PromptSegment::text, PromptSegment::trainable)
                .containsExactly(
                        tuple(
                                AlpacaTemplate.PREAMBLE
                                        + "### Instruction:\nBe brief.\n\nWhat is 2+2?\n\n### Response:\n",
                                false),
                        tuple("4</s>", true),
                        tuple("\n\n### Instruction:\nAnd 3+3?\n\n### Response:\n", false),
                        tuple("6</s>", true));
    }

    @Test
    void instructPutsTheSpaceAfterOutputIntoTheAnswer() {
        PromptTemplate instruct = PromptTemplates.named("instruct", "<|endoftext|>");

        assertThat(instruct.render(TWO_TURNS, false))
                .isEqualTo(
                        "Instruct: Be brief.\nWhat is 2+2?\nOutput: 4<|endoftext|>\nInstruct: And 3+3?\nOutput: 6<|endoftext|>");
        assertThat(instruct.render(List.of(user("Hi")), true)).isEqualTo("Instruct: Hi\nOutput:");
        List<PromptSegment> segments = instruct.segments(TWO_TURNS);
        assertThat(segments)
                .filteredOn(PromptSegment::trainable)
                .extracting(PromptSegment::text)
                .containsExactly(" 4<|endoftext|>", " 6<|endoftext|>");
        assertThat(Segments.join(segments)).isEqualTo(instruct.render(TWO_TURNS, false));
    }

    @Test
    void segmentsConcatenateToTheRenderingForEveryBuiltIn() {
        for (String name : PromptTemplates.NAMES) {
            PromptTemplate template = PromptTemplates.named(name);
            assertThat(Segments.join(template.segments(TWO_TURNS)))
                    .as(name)
                    .isEqualTo(template.render(TWO_TURNS, false));
        }
    }

    @Test
    void instructionFormatsRejectMisplacedSystemMessages() {
        PromptTemplate alpaca = PromptTemplates.named("alpaca");

        assertThatThrownBy(() -> alpaca.render(List.of(user("a"), system("late")), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alpaca template accepts a system message only as the first message");
        assertThatThrownBy(() -> alpaca.render(List.of(assistant("first")), false))
                .hasMessageContaining("must start with a user message");
    }

    @Test
    void unknownNameListsTheBuiltIns() {
        assertThatThrownBy(() -> PromptTemplates.named("vicuna"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown prompt template 'vicuna'; built-in templates are [chatml, alpaca, instruct]");
    }
}
