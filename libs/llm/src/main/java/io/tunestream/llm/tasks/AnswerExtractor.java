package io.tunestream.llm.tasks;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scores a model's completion against a task's exact answer. The completion is normalised (trimmed, whitespace
 * collapsed, a trailing period dropped), then the answer is taken from it by family:
 * <ul>
 *   <li>{@link TaskFamily#MULTIPLE_CHOICE_LOGIC}: the first standalone capital letter A to D, as in "B", "B)" or
 *   "Answer: B" (the A of "Answer" is not standalone);</li>
 *   <li>{@link TaskFamily#ADDITION}, {@link TaskFamily#COUNT_LETTER}: the first integer, without leading zeros;</li>
 *   <li>{@link TaskFamily#SORT_DIGITS}: the first run of digits separated by spaces or commas, as single digits
 *   joined by one space ("1, 3, 7" and "137" both give "1 3 7");</li>
 *   <li>{@link TaskFamily#REVERSE_WORD}: the first line without an "Answer:" label, lower-cased.</li>
 * </ul>
 * Generated answers are already in this form, so {@code extract(family, task.answer())} is the answer itself.
 */
public final class AnswerExtractor {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern CHOICE = Pattern.compile("(?<![\\p{L}\\p{N}])[A-D](?![\\p{L}\\p{N}])");
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    private static final Pattern DIGIT_RUN = Pattern.compile("\\d(?:[ ,]*\\d)*");
    private static final Pattern ANSWER_LABEL = Pattern.compile("^answer\\s*:\\s*", Pattern.CASE_INSENSITIVE);

    private AnswerExtractor() {}

    /** True when the answer extracted from the completion is the task's answer. */
    public static boolean isCorrect(SyntheticTask task, String completion) {
        return extract(task.family(), completion).equals(task.answer());
    }

    /**
     * The answer in a completion, in canonical form.
     *
     * @return the empty string when the completion holds no answer of the family's kind
     */
    public static String extract(TaskFamily family, String completion) {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(completion, "completion");
        return switch (family) {
            case MULTIPLE_CHOICE_LOGIC -> firstMatch(CHOICE, normalise(completion));
            case ADDITION, COUNT_LETTER -> canonicalInteger(firstMatch(INTEGER, normalise(completion)));
            case SORT_DIGITS ->
                String.join(
                        " ",
                        firstMatch(DIGIT_RUN, normalise(completion))
                                .replaceAll("[ ,]", "")
                                .split(""));
            case REVERSE_WORD -> word(completion);
        };
    }

    /** Trimmed, whitespace collapsed to single spaces, without a trailing period. */
    static String normalise(String text) {
        String collapsed = WHITESPACE.matcher(text.strip()).replaceAll(" ");
        return collapsed.endsWith(".")
                ? collapsed.substring(0, collapsed.length() - 1).strip()
                : collapsed;
    }

    private static String firstMatch(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group() : "";
    }

    private static String canonicalInteger(String integer) {
        return integer.isEmpty() ? "" : new BigInteger(integer).toString();
    }

    /** Models often go on after the answer, so only the first non-empty line counts. */
    private static String word(String completion) {
        String firstLine = completion.strip().lines().findFirst().orElse("");
        return normalise(ANSWER_LABEL.matcher(normalise(firstLine)).replaceFirst(""))
                .toLowerCase(Locale.ROOT);
    }
}
