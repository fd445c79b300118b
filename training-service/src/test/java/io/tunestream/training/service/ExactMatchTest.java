package io.tunestream.training.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunestream.llm.data.ConversationRecord;
import io.tunestream.llm.data.InstructionRecord;
import io.tunestream.llm.data.PreferenceRecord;
import io.tunestream.llm.data.TextRecord;
import io.tunestream.llm.prompt.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExactMatchTest {

    @Test
    void shouldAskThePromptAndExpectTheChosenAnswerOfAPreference() {
        ExactMatch.Question question = ExactMatch.question(new PreferenceRecord("Be brief.", "2 + 3?", "5", "6"))
                .orElseThrow();

        assertThat(question.prompt()).containsExactly(ChatMessage.system("Be brief."), ChatMessage.user("2 + 3?"));
        assertThat(question.answer()).isEqualTo("5");
    }

    @Test
    void shouldExpectTheLastAssistantTurnOfInstructionsAndConversations() {
        assertThat(ExactMatch.question(InstructionRecord.of("Reverse abc", "cba"))
                        .orElseThrow()
                        .answer())
                .isEqualTo("cba");
        ExactMatch.Question turn = ExactMatch.question(new ConversationRecord(List.of(
                        ChatMessage.user("hi"),
                        ChatMessage.assistant("hello"),
                        ChatMessage.user("2 + 2?"),
                        ChatMessage.assistant("4"))))
                .orElseThrow();
        assertThat(turn.prompt()).hasSize(3).last().isEqualTo(ChatMessage.user("2 + 2?"));
        assertThat(turn.answer()).isEqualTo("4");
    }

    @Test
    void shouldAskNothingOfPlainTextOrAConversationEndingWithTheUser() {
        assertThat(ExactMatch.question(new TextRecord("once upon a time"))).isEmpty();
        assertThat(ExactMatch.question(new ConversationRecord(
                        List.of(ChatMessage.user("hi"), ChatMessage.assistant("hello"), ChatMessage.user("and?")))))
                .isEmpty();
    }

    @Test
    void shouldCompareAnswersWithSurroundingAndRepeatedWhitespaceRemovedButCaseKept() {
        assertThat(ExactMatch.normalize("  The answer\n is   5. ")).isEqualTo("The answer is 5.");
        assertThat(ExactMatch.normalize("Five")).isNotEqualTo(ExactMatch.normalize("five"));
        assertThat(ExactMatch.normalize(null)).isEmpty();
    }
}
