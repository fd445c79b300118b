package io.tunestream.llm.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.llm.tasks.TaskFamily;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoringTest {

    @Test
    void answerPatternsCaptureTheirGroup() {
        assertThat(AnswerPattern.of("答案是[:：]\\s*([A-D])").extract("让我想想。答案是：C")).isEqualTo("C");
        assertThat(AnswerPattern.of("Answer:\\s*(\\S+)").extract("so... Answer: 42 and more"))
                .isEqualTo("42");
        assertThat(AnswerPattern.of("Answer:\\s*(\\S+)").extract("no label here"))
                .isEmpty();
        assertThatThrownBy(() -> AnswerPattern.of("Answer: \\S+"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 capturing groups")
                .hasMessageContaining("exactly one");
        assertThatThrownBy(() -> AnswerPattern.of("(unclosed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid regular expression");
    }

    @Test
    void majorityVotePicksTheMostFrequentAnswerAndBreaksTiesByFirstOccurrence() {
        assertThat(ExactMatchEvaluator.majorityVote(List.of("A", "B", "C", "B")))
                .isEqualTo("B");
        assertThat(ExactMatchEvaluator.majorityVote(List.of("C", "A", "A", "C", "B")))
                .isEqualTo("C");
        assertThat(ExactMatchEvaluator.majorityVote(List.of("", "", "7"))).isEqualTo("7");
        assertThat(ExactMatchEvaluator.majorityVote(List.of("", ""))).isEmpty();
    }

    @Test
    void scoringReadsAnswersTheFamilysWayOrTheItemsAndVotes() {
        EvalItem addition = new EvalItem(TaskFamily.ADDITION, "What is 27 + 45?", "72");
        ItemResult voted = ExactMatchEvaluator.score(addition, List.of("It is 72.", "15", "72, I think"));
        assertThat(voted.predicted()).isEqualTo("72");
        assertThat(voted.correct()).isTrue();
        assertThat(ExactMatchEvaluator.score(addition, List.of("15", "I do not know"))
                        .correct())
                .isFalse();
        assertThat(ExactMatchEvaluator.score(addition, List.of("no number")).predicted())
                .isEmpty();

        EvalItem chinese = new EvalItem(
                TaskFamily.MULTIPLE_CHOICE_LOGIC,
                "哪个最大？A) 1 B) 2 C) 3 D) 0",
                "C",
                AnswerPattern.of("答案是[:：]\\s*([A-D])"));
        // "A" stands alone at the start, so the family's extractor would read A; the item's pattern reads C.
        assertThat(ExactMatchEvaluator.score(chinese, List.of("A 不对。答案是：C")).correct())
                .isTrue();
    }

    @Test
    void reportCountsPerFamilyAndPrintsATableAndJson() {
        EvalItem sum = new EvalItem(TaskFamily.ADDITION, "What is 1 + 1?", "2");
        EvalItem reverse = new EvalItem(TaskFamily.REVERSE_WORD, "Reverse the word: abc", "cba");
        EvalReport report = EvalReport.of(List.of(
                ExactMatchEvaluator.score(sum, List.of("2")),
                ExactMatchEvaluator.score(sum, List.of("3")),
                ExactMatchEvaluator.score(reverse, List.of("cba"))));

        assertThat(report.byFamily())
                .containsExactly(
                        Map.entry(TaskFamily.ADDITION, new FamilyScore(1, 2)),
                        Map.entry(TaskFamily.REVERSE_WORD, new FamilyScore(1, 1)));
        assertThat(report.overall()).isEqualTo(new FamilyScore(2, 3));
        assertThat(report.accuracy()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(report.toTable())
                .isEqualTo("family                    correct    total  accuracy\n"
                        + "ADDITION                        1        2     50.0%\n"
                        + "REVERSE_WORD                    1        1    100.0%\n"
                        + "overall                         2        3     66.7%\n");
        assertThat(report.toJson())
                .contains("\"ADDITION\"")
                .contains("\"predicted\" : \"3\"")
                .contains("\"total\" : 3");
    }
}
