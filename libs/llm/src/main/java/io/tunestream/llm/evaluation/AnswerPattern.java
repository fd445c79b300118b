package io.tunestream.llm.evaluation;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How to find the answer in a completion when an evaluation item names its own format: a regular expression whose
 * one capturing group is the answer, e.g. {@code 答案是[:：]\s*([A-D])} or {@code Answer:\s*(\S+)}. The first match
 * counts, since models often go on after answering.
 */
public record AnswerPattern(Pattern pattern) {

    public AnswerPattern {
        Objects.requireNonNull(pattern, "pattern");
        int groups = pattern.matcher("").groupCount();
        if (groups != 1) {
            throw new IllegalArgumentException("answer pattern /" + pattern.pattern() + "/ has " + groups
                    + " capturing groups; it needs exactly one, around the answer (use (?:...) for other groups)");
        }
    }

    /**
     * @throws IllegalArgumentException when {@code regex} is not a valid regular expression with one capturing group
     */
    public static AnswerPattern of(String regex) {
        try {
            return new AnswerPattern(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "answer pattern /" + regex + "/ is not a valid regular expression: " + e.getDescription(), e);
        }
    }

    /** The captured answer of the first match, stripped; the empty string when nothing matches. */
    public String extract(String completion) {
        Matcher matcher = pattern.matcher(completion);
        return matcher.find() && matcher.group(1) != null ? matcher.group(1).strip() : "";
    }
}
