package io.tunestream.llm.tasks;

/**
 * The kinds of synthetic task, each with an exact answer that {@link AnswerExtractor} can check. What the difficulty
 * (1 to {@link TaskGenerator#MAX_DIFFICULTY}) changes is given per family.
 */
public enum TaskFamily {

    /** "Sort the digits in ascending order: 7 3 9 1" → "1 3 7 9"; difficulty + 2 digits. */
    SORT_DIGITS,
    /** "What is 27 + 45?" → "72"; both numbers have difficulty digits. */
    ADDITION,
    /** "Reverse the word: apple" → "elppa"; words of difficulty + 2 letters. */
    REVERSE_WORD,
    /**
     * "Which is largest? A) 17 B) 42 C) 8 D) 23" → "B", or an ordering chain "Ann is taller than Bob. ..." → the
     * letter of the answer; numbers of difficulty digits, chains of 3 people (difficulty 1) or 4.
     */
    MULTIPLE_CHOICE_LOGIC,
    /** "How many times does the letter a appear in: abcab" → "2"; strings of 3 × difficulty + 2 letters. */
    COUNT_LETTER
}
