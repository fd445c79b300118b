package io.tunestream.llm.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskGeneratorTest {

    @ParameterizedTest
    @EnumSource(TaskFamily.class)
    void sameSeedGivesSameTasksInAnyOrder(TaskFamily family) {
        List<SyntheticTask> forward = new TaskGenerator(7).generate(family, 50, 3);
        TaskGenerator other = new TaskGenerator(7);
        other.generate(TaskFamily.ADDITION, 13, 5);

        assertThat(other.task(family, 49, 3)).isEqualTo(forward.get(49));
        assertThat(other.generate(family, 50, 3)).isEqualTo(forward);
        assertThat(new TaskGenerator(8).generate(family, 50, 3)).isNotEqualTo(forward);
    }

    @Test
    void untakenTasksAreDistinctSkipTakenPromptsAndTakeTheirOwn() {
        TaskGenerator generator = new TaskGenerator(11);
        Set<String> taken = new java.util.HashSet<>();
        List<SyntheticTask> first =
                generator.untaken(List.of(TaskFamily.SORT_DIGITS, TaskFamily.REVERSE_WORD), 20, 2, taken);
        List<SyntheticTask> second =
                generator.untaken(List.of(TaskFamily.SORT_DIGITS, TaskFamily.REVERSE_WORD), 20, 2, taken);

        assertThat(first).hasSize(40);
        assertThat(first.stream().map(SyntheticTask::prompt).distinct()).hasSize(40);
        assertThat(first.stream().filter(task -> task.family() == TaskFamily.SORT_DIGITS))
                .hasSize(20);
        assertThat(second)
                .extracting(SyntheticTask::prompt)
                .doesNotContainAnyElementsOf(
                        first.stream().map(SyntheticTask::prompt).toList());
        assertThat(taken).hasSize(first.size() + second.size());
    }

    @ParameterizedTest
    @EnumSource(TaskFamily.class)
    void everyGeneratedAnswerIsCorrectAndCanonical(TaskFamily family) {
        TaskGenerator generator = new TaskGenerator(2024);
        for (int difficulty = 1; difficulty <= TaskGenerator.MAX_DIFFICULTY; difficulty++) {
            for (SyntheticTask task : generator.generate(family, 500, difficulty)) {
                assertThat(task.family()).isEqualTo(family);
                assertThat(task.difficulty()).isEqualTo(difficulty);
                assertThat(AnswerExtractor.isCorrect(task, task.answer()))
                        .as(task.toString())
                        .isTrue();
                assertThat(AnswerExtractor.isCorrect(task, "Answer: " + task.answer() + "."))
                        .as(task.toString())
                        .isTrue();
                assertThat(solve(task)).as(task.toString()).isEqualTo(task.answer());
            }
        }
    }

    /** An independent solver that reads only the prompt: checks the generator's answers, not just their form. */
    private static String solve(SyntheticTask task) {
        String prompt = task.prompt();
        String afterColon = prompt.substring(prompt.indexOf(':') + 2);
        switch (task.family()) {
            case SORT_DIGITS:
                return Arrays.stream(afterColon.split(" ")).sorted().collect(Collectors.joining(" "));
            case ADDITION: {
                String[] terms = prompt.replace("What is ", "").replace("?", "").split(" \\+ ");
                return Long.toString(Long.parseLong(terms[0]) + Long.parseLong(terms[1]));
            }
            case REVERSE_WORD:
                return new StringBuilder(afterColon).reverse().toString();
            case COUNT_LETTER: {
                char letter = prompt.charAt("How many times does the letter ".length());
                return Long.toString(afterColon.chars().filter(c -> c == letter).count());
            }
            default:
                return solveMultipleChoice(prompt);
        }
    }

    private static String solveMultipleChoice(String prompt) {
        String question = prompt.substring(0, prompt.indexOf(" A) "));
        String[] options = prompt.substring(prompt.indexOf(" A) ") + 4).split(" [B-D]\\) ");
        if (question.startsWith("Which is")) {
            boolean largest = question.contains("largest");
            int best = 0;
            for (int i = 1; i < options.length; i++) {
                long value = Long.parseLong(options[i]);
                if (largest ? value > Long.parseLong(options[best]) : value < Long.parseLong(options[best])) {
                    best = i;
                }
            }
            return String.valueOf("ABCD".charAt(best));
        }
        // "X is taller than Y." statements: the first in the order is never on the right, the last never on the left.
        List<String> statements = Arrays.stream(
                        question.substring(0, question.indexOf(" Who is")).split("\\. ?"))
                .toList();
        Set<String> left = statements.stream().map(s -> s.split(" ")[0]).collect(Collectors.toSet());
        Set<String> right = statements.stream().map(s -> s.split(" ")[4]).collect(Collectors.toSet());
        boolean askFirst = question.matches(".*Who is (tallest|oldest|fastest)\\?$");
        for (int i = 0; i < options.length; i++) {
            String name = options[i];
            if (askFirst ? !right.contains(name) : !left.contains(name)) {
                return String.valueOf("ABCD".charAt(i));
            }
        }
        throw new AssertionError("no answer in " + prompt);
    }

    @Test
    void promptsLookAsDocumented() {
        TaskGenerator generator = new TaskGenerator(1);
        assertThat(generator.task(TaskFamily.SORT_DIGITS, 0, 2).prompt())
                .matches("Sort the digits in ascending order: \\d \\d \\d \\d");
        assertThat(generator.task(TaskFamily.ADDITION, 0, 2).prompt()).matches("What is [1-9]\\d \\+ [1-9]\\d\\?");
        assertThat(generator.task(TaskFamily.REVERSE_WORD, 0, 3).prompt()).matches("Reverse the word: [a-z]{5}");
        assertThat(generator.task(TaskFamily.COUNT_LETTER, 0, 1).prompt())
                .matches("How many times does the letter [a-f] appear in: [a-f]{5}");
        assertThat(generator.generate(TaskFamily.MULTIPLE_CHOICE_LOGIC, 40, 1))
                .extracting(SyntheticTask::prompt)
                .anyMatch(p -> p.matches("Which is (largest|smallest)\\? A\\) \\d B\\) \\d C\\) \\d D\\) \\d"))
                .anyMatch(
                        p -> p.matches("(\\w+ is \\w+ than \\w+\\. ){2}Who is \\w+\\? A\\) \\w+ B\\) \\w+ C\\) \\w+"));
    }

    @Test
    void multipleChoiceAnswersAreSpreadOverTheLetters() {
        Set<String> answers = new TaskGenerator(3)
                .generate(TaskFamily.MULTIPLE_CHOICE_LOGIC, 200, 4).stream()
                        .map(SyntheticTask::answer)
                        .collect(Collectors.toSet());

        assertThat(answers).containsExactlyInAnyOrder("A", "B", "C", "D");
    }

    @ParameterizedTest
    @EnumSource(TaskFamily.class)
    void higherDifficultyGivesLongerTasks(TaskFamily family) {
        TaskGenerator generator = new TaskGenerator(5);
        double easy = averageLength(generator.generate(family, 200, 1));
        double medium = averageLength(generator.generate(family, 200, 4));
        double hard = averageLength(generator.generate(family, 200, TaskGenerator.MAX_DIFFICULTY));

        assertThat(medium).isGreaterThan(easy);
        assertThat(hard).isGreaterThan(medium);
    }

    private static double averageLength(List<SyntheticTask> tasks) {
        return tasks.stream()
                .mapToInt(task -> task.prompt().length() + task.answer().length())
                .average()
                .orElseThrow();
    }

    @Test
    void rejectsDifficultyOutOfRange() {
        TaskGenerator generator = new TaskGenerator(1);
        assertThatThrownBy(() -> generator.generate(TaskFamily.ADDITION, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("difficulty must be between 1 and 10, got 0");
        assertThatThrownBy(() -> generator.generate(TaskFamily.ADDITION, 1, 11))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> generator.generate(TaskFamily.ADDITION, -1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
