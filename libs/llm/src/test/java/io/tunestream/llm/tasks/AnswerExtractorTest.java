package io.tunestream.llm.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnswerExtractorTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "MULTIPLE_CHOICE_LOGIC | B                  | B",
                "MULTIPLE_CHOICE_LOGIC | B)                 | B",
                "MULTIPLE_CHOICE_LOGIC | Answer: B          | B",
                "MULTIPLE_CHOICE_LOGIC | ' (C) Cid.'        | C",
                "MULTIPLE_CHOICE_LOGIC | A) Ann B) Bob      | A",
                "MULTIPLE_CHOICE_LOGIC | Bob is tallest     | ''",
                "MULTIPLE_CHOICE_LOGIC | E                  | ''",
                "ADDITION              | 72                 | 72",
                "ADDITION              | ' The sum is 072.' | 72",
                "ADDITION              | -5 apples          | -5",
                "ADDITION              | no idea            | ''",
                "COUNT_LETTER          | 3 times, not 4     | 3",
                "SORT_DIGITS           | 1 3 3 7 9          | 1 3 3 7 9",
                "SORT_DIGITS           | 'Answer: 1, 3, 7.' | 1 3 7",
                "SORT_DIGITS           | 137 then 2         | 1 3 7",
                "SORT_DIGITS           | none               | ''",
                "REVERSE_WORD          | elppa              | elppa",
                "REVERSE_WORD          | '  Answer:  Elppa. ' | elppa",
                "REVERSE_WORD          | 'elppa\nmore text' | elppa",
            })
    void extractsByFamilyRules(TaskFamily family, String completion, String expected) {
        assertThat(AnswerExtractor.extract(family, completion.replace("\\n", "\n")))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "'  4 '   | true",
                "4.       | true",
                "Answer: 4| true",
                "44       | false",
                "''       | false",
            })
    void isCorrectComparesTheExtractedAnswer(String completion, boolean correct) {
        SyntheticTask task = new SyntheticTask(TaskFamily.ADDITION, "What is 2 + 2?", "4", 1);
        assertThat(AnswerExtractor.isCorrect(task, completion)).isEqualTo(correct);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "'  a   b  c. ' | a b c",
                "a.b.           | a.b",
                "x              | x",
            })
    void normaliseTrimsCollapsesAndDropsTrailingPeriod(String text, String expected) {
        assertThat(AnswerExtractor.normalise(text)).isEqualTo(expected);
    }
}
