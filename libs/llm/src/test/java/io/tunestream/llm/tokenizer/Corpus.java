package io.tunestream.llm.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic English-like training text: frequent function words, rarer content words, digits, punctuation. */
final class Corpus {

    private static final String[] COMMON = {"the", "of", "and", "to", "in", "is", "that", "it", "was", "for"};
    private static final String[] CONTENT = {
        "model",
        "token",
        "river",
        "window",
        "garden",
        "number",
        "question",
        "answer",
        "training",
        "stream",
        "language",
        "weather",
        "mountain",
        "paper",
        "simple",
        "running"
    };

    private static final String[] SYLLABLES = {
        "ka", "lo", "mi", "ne", "ru", "sta", "ber", "qui", "dom", "el", "fa", "gor", "hin", "ja", "ve", "tor", "pli",
        "san", "wu", "zen", "ox", "ach", "ion", "ly", "ter"
    };

    private Corpus() {}

    static List<String> lines(int count, long seed) {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder line = new StringBuilder();
            int words = 6 + random.nextInt(10);
            for (int w = 0; w < words; w++) {
                if (w > 0) {
                    line.append(' ');
                }
                if (random.nextInt(4) == 0) {
                    line.append(inventedWord(random));
                } else if (random.nextInt(3) == 0) {
                    line.append(CONTENT[random.nextInt(CONTENT.length)]);
                } else {
                    line.append(COMMON[random.nextInt(COMMON.length)]);
                }
                if (random.nextInt(12) == 0) {
                    line.append(' ').append(random.nextInt(1000));
                }
            }
            line.append(random.nextBoolean() ? ".\n" : "?\n");
            lines.add(line.toString());
        }
        return lines;
    }

    /** Tens of thousands of distinct words, short ones far more often, as in natural text. */
    private static String inventedWord(Random random) {
        StringBuilder word = new StringBuilder();
        int syllables = 1 + Math.min(random.nextInt(4), random.nextInt(4));
        for (int s = 0; s < syllables; s++) {
            word.append(SYLLABLES[Math.min(random.nextInt(SYLLABLES.length), random.nextInt(SYLLABLES.length))]);
        }
        return word.toString();
    }
}
