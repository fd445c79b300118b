package io.tunestream.dataset.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunestream.dataset.DropReason;
import io.tunestream.dataset.service.PairJudge.Outcome;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Not a @QuarkusTest: the judge is a pure function. */
class PairJudgeTest {

    @Test
    void shouldDropAFailedGenerationOnceWhateverItsText() {
        assertThat(PairJudge.judge("42", List.of("41", "40"), true, "queue closed"))
                .containsExactly(new Outcome(0, "queue closed", Optional.of(DropReason.GENERATION_ERROR)));
    }

    @Test
    void shouldDropAnEmptyOrBlankAnswer() {
        assertThat(PairJudge.judge("42", List.of("", " \n\t"), false, null))
                .extracting(Outcome::drop)
                .containsExactly(Optional.of(DropReason.EMPTY), Optional.of(DropReason.EMPTY));
        assertThat(PairJudge.judge("42", List.of(), false, null))
                .extracting(Outcome::drop)
                .containsExactly(Optional.of(DropReason.EMPTY));
    }

    @Test
    void shouldDropTheGroundTruthUpToCaseAndWhitespace() {
        assertThat(PairJudge.judge("The answer  is\nParis", List.of("  the ANSWER is paris \n"), false, null))
                .extracting(Outcome::drop)
                .containsExactly(Optional.of(DropReason.CORRECT));
    }

    @Test
    void shouldKeepADifferentAnswerStripped() {
        assertThat(PairJudge.judge("42", List.of(" 41\n"), false, null))
                .containsExactly(new Outcome(0, "41", Optional.empty()));
        assertThat(PairJudge.judge("Paris", List.of("Paris, France"), false, null))
                .extracting(Outcome::drop)
                .containsExactly(Optional.empty());
    }

    @Test
    void shouldMakeOnePairPerDistinctWrongAnswerInOrder() {
        List<Outcome> outcomes =
                PairJudge.judge("42", List.of("41", "42", " 41 ", "40", "", "FORTY", "forty"), false, null);
        assertThat(outcomes).extracting(Outcome::answerIndex).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(outcomes)
                .extracting(Outcome::drop)
                .containsExactly(
                        Optional.empty(),
                        Optional.of(DropReason.CORRECT),
                        Optional.of(DropReason.DUPLICATE),
                        Optional.empty(),
                        Optional.of(DropReason.EMPTY),
                        Optional.empty(),
                        Optional.of(DropReason.DUPLICATE));
        assertThat(outcomes.stream().filter(outcome -> outcome.drop().isEmpty()).map(Outcome::rejected))
                .containsExactly("41", "40", "FORTY");
    }
}
