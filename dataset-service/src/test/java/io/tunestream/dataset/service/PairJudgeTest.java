package io.tunestream.dataset.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunestream.dataset.DropReason;
import org.junit.jupiter.api.Test;

/** Not a @QuarkusTest: the judge is a pure function. */
class PairJudgeTest {

    @Test
    void shouldDropAFailedGenerationWhateverItsText() {
        assertThat(PairJudge.judge("42", "41", true)).contains(DropReason.GENERATION_ERROR);
    }

    @Test
    void shouldDropAnEmptyOrBlankAnswer() {
        assertThat(PairJudge.judge("42", "", false)).contains(DropReason.EMPTY_REJECTED);
        assertThat(PairJudge.judge("42", " \n\t", false)).contains(DropReason.EMPTY_REJECTED);
    }

    @Test
    void shouldDropTheGroundTruthUpToCaseAndWhitespace() {
        assertThat(PairJudge.judge("The answer  is\nParis", "  the ANSWER is paris \n", false))
                .contains(DropReason.REJECTED_EQUALS_CHOSEN);
    }

    @Test
    void shouldKeepADifferentAnswer() {
        assertThat(PairJudge.judge("42", "41", false)).isEmpty();
        assertThat(PairJudge.judge("Paris", "Paris, France", false)).isEmpty();
    }
}
