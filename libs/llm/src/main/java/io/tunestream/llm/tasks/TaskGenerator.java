package io.tunestream.llm.tasks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Generates synthetic tasks deterministically: task {@code index} of a family depends only on the seed, the family,
 * the index and the difficulty, never on what was generated before, so the same seed gives the same tasks in any
 * order and on any thread.
 */
public final class TaskGenerator {

    /** The highest difficulty; the lowest is 1. */
    public static final int MAX_DIFFICULTY = 10;

    private static final String[] NAMES = {"Ann", "Bob", "Cid", "Dan", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo"};
    private static final String[][] COMPARISONS = {
        // comparative, superlative of the first, superlative of the last
        {"taller", "tallest", "shortest"},
        {"older", "oldest", "youngest"},
        {"faster", "fastest", "slowest"},
    };
    private static final String CHOICE_LETTERS = "ABCD";
    /** Real words for short lengths; longer words are random letters. Palindromes are left out on purpose. */
    private static final List<String> WORDS = List.of(
            "cat",
            "dog",
            "sun",
            "map",
            "red",
            "box",
            "cup",
            "pen",
            "owl",
            "jam",
            "bird",
            "fish",
            "tree",
            "lamp",
            "star",
            "ship",
            "frog",
            "milk",
            "rain",
            "wolf",
            "apple",
            "house",
            "train",
            "cloud",
            "plant",
            "river",
            "stone",
            "bread",
            "chair",
            "tiger",
            "garden",
            "window",
            "pencil",
            "rabbit",
            "forest",
            "yellow",
            "butter",
            "planet",
            "spring",
            "monkey",
            "kitchen",
            "morning",
            "picture",
            "blanket",
            "teacher",
            "dolphin",
            "blossom",
            "village",
            "lantern",
            "pumpkin",
            "elephant",
            "mountain",
            "sandwich",
            "computer",
            "umbrella",
            "football",
            "treasure",
            "dinosaur",
            "sunshine",
            "painting");

    private static final String COUNT_ALPHABET = "abcdef";

    private final long seed;

    public TaskGenerator(long seed) {
        this.seed = seed;
    }

    static void requireDifficulty(int difficulty) {
        if (difficulty < 1 || difficulty > MAX_DIFFICULTY) {
            throw new IllegalArgumentException(
                    "difficulty must be between 1 and " + MAX_DIFFICULTY + ", got " + difficulty);
        }
    }

    /** Tasks 0 to {@code count - 1} of a family. */
    public List<SyntheticTask> generate(TaskFamily family, int count, int difficulty) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        List<SyntheticTask> tasks = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            tasks.add(task(family, index, difficulty));
        }
        return tasks;
    }

    /**
     * Up to {@code perFamily} distinct tasks of each family whose prompts are not in {@code taken}, which grows by
     * them: how disjoint question sets are drawn (training prompts, validation, evaluation, a loop's new prompts).
     * A family with fewer free prompts (one-digit addition has 100 in all) gives fewer.
     */
    public List<SyntheticTask> untaken(
            Iterable<TaskFamily> families, int perFamily, int difficulty, Set<String> taken) {
        List<SyntheticTask> tasks = new ArrayList<>();
        for (TaskFamily family : families) {
            int found = 0;
            for (long index = 0; index < 50L * perFamily && found < perFamily; index++) {
                SyntheticTask task = task(family, index, difficulty);
                if (taken.add(task.prompt())) {
                    tasks.add(task);
                    found++;
                }
            }
        }
        return tasks;
    }

    /** Task number {@code index} of a family. */
    public SyntheticTask task(TaskFamily family, long index, int difficulty) {
        Objects.requireNonNull(family, "family");
        requireDifficulty(difficulty);
        SplittableRandom random = new SplittableRandom(streamSeed(family, index, difficulty));
        return switch (family) {
            case SORT_DIGITS -> sortDigits(random, difficulty);
            case ADDITION -> addition(random, difficulty);
            case REVERSE_WORD -> reverseWord(random, difficulty);
            case MULTIPLE_CHOICE_LOGIC -> multipleChoice(random, difficulty);
            case COUNT_LETTER -> countLetter(random, difficulty);
        };
    }

    /**
     * One independent random stream per (seed, family, index, difficulty). The family's name, not its ordinal, goes
     * in, so adding a family does not change the others' tasks.
     */
    private long streamSeed(TaskFamily family, long index, int difficulty) {
        long mixed = mix(seed ^ family.name().hashCode());
        mixed = mix(mixed + index);
        return mix(mixed + difficulty);
    }

    /** The SplitMix64 finaliser: spreads nearby inputs (index 0, 1, 2 ...) over unrelated seeds. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static SyntheticTask sortDigits(SplittableRandom random, int difficulty) {
        int[] digits = random.ints(difficulty + 2, 0, 10).toArray();
        String prompt = "Sort the digits in ascending order: " + joined(IntStream.of(digits));
        return new SyntheticTask(
                TaskFamily.SORT_DIGITS, prompt, joined(Arrays.stream(digits).sorted()), difficulty);
    }

    private static String joined(IntStream numbers) {
        return numbers.mapToObj(Integer::toString).collect(Collectors.joining(" "));
    }

    private static SyntheticTask addition(SplittableRandom random, int difficulty) {
        long a = numberWithDigits(random, difficulty);
        long b = numberWithDigits(random, difficulty);
        return new SyntheticTask(
                TaskFamily.ADDITION, "What is " + a + " + " + b + "?", Long.toString(a + b), difficulty);
    }

    /** A number of exactly {@code digits} digits; one digit includes 0. */
    private static long numberWithDigits(SplittableRandom random, int digits) {
        long low = digits == 1 ? 0 : pow10(digits - 1);
        return random.nextLong(low, pow10(digits));
    }

    private static long pow10(int exponent) {
        long value = 1;
        for (int i = 0; i < exponent; i++) {
            value *= 10;
        }
        return value;
    }

    private static SyntheticTask reverseWord(SplittableRandom random, int difficulty) {
        int length = difficulty + 2;
        List<String> candidates =
                WORDS.stream().filter(word -> word.length() == length).toList();
        // Half real words where there are any, so the model sees both language and arbitrary letters.
        String word = !candidates.isEmpty() && random.nextBoolean()
                ? candidates.get(random.nextInt(candidates.size()))
                : randomLetters(random, length, "abcdefghijklmnopqrstuvwxyz");
        String reversed = new StringBuilder(word).reverse().toString();
        return new SyntheticTask(TaskFamily.REVERSE_WORD, "Reverse the word: " + word, reversed, difficulty);
    }

    private static String randomLetters(SplittableRandom random, int length, String alphabet) {
        StringBuilder letters = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            letters.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return letters.toString();
    }

    private static SyntheticTask multipleChoice(SplittableRandom random, int difficulty) {
        return random.nextBoolean() ? extremeNumber(random, difficulty) : orderingChain(random, difficulty);
    }

    private static SyntheticTask extremeNumber(SplittableRandom random, int difficulty) {
        long[] options = random.longs(0, pow10(difficulty))
                .distinct()
                .limit(CHOICE_LETTERS.length())
                .toArray();
        boolean largest = random.nextBoolean();
        int answer = 0;
        StringBuilder prompt = new StringBuilder(largest ? "Which is largest?" : "Which is smallest?");
        for (int i = 0; i < options.length; i++) {
            prompt.append(' ').append(CHOICE_LETTERS.charAt(i)).append(") ").append(options[i]);
            if (largest ? options[i] > options[answer] : options[i] < options[answer]) {
                answer = i;
            }
        }
        return new SyntheticTask(
                TaskFamily.MULTIPLE_CHOICE_LOGIC,
                prompt.toString(),
                String.valueOf(CHOICE_LETTERS.charAt(answer)),
                difficulty);
    }

    /** "Ann is taller than Bob. Bob is taller than Cid. Who is shortest? A) Bob B) Cid C) Ann" → "B". */
    private static SyntheticTask orderingChain(SplittableRandom random, int difficulty) {
        int people = difficulty == 1 ? 3 : 4;
        List<String> ranked = shuffled(random, Arrays.asList(NAMES)).subList(0, people);
        String[] comparison = COMPARISONS[random.nextInt(COMPARISONS.length)];
        List<String> statements = new ArrayList<>();
        for (int i = 0; i + 1 < people; i++) {
            statements.add(ranked.get(i) + " is " + comparison[0] + " than " + ranked.get(i + 1) + ".");
        }
        // Above the easiest level the statements come in any order, so the chain must really be followed.
        if (difficulty > 2) {
            statements = shuffled(random, statements);
        }
        boolean askFirst = random.nextBoolean();
        String correct = askFirst ? ranked.get(0) : ranked.get(people - 1);
        List<String> options = shuffled(random, ranked);
        StringBuilder prompt = new StringBuilder(String.join(" ", statements))
                .append(" Who is ")
                .append(askFirst ? comparison[1] : comparison[2])
                .append('?');
        for (int i = 0; i < options.size(); i++) {
            prompt.append(' ').append(CHOICE_LETTERS.charAt(i)).append(") ").append(options.get(i));
        }
        return new SyntheticTask(
                TaskFamily.MULTIPLE_CHOICE_LOGIC,
                prompt.toString(),
                String.valueOf(CHOICE_LETTERS.charAt(options.indexOf(correct))),
                difficulty);
    }

    private static <T> List<T> shuffled(SplittableRandom random, List<T> items) {
        List<T> copy = new ArrayList<>(items);
        // Fisher-Yates with our own random: Collections.shuffle takes only java.util.Random.
        for (int i = copy.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T swapped = copy.get(i);
            copy.set(i, copy.get(j));
            copy.set(j, swapped);
        }
        return copy;
    }

    private static SyntheticTask countLetter(SplittableRandom random, int difficulty) {
        // A small alphabet, so that the asked letter usually occurs and counts above 1 are common.
        String text = randomLetters(random, 3 * difficulty + 2, COUNT_ALPHABET);
        char letter = COUNT_ALPHABET.charAt(random.nextInt(COUNT_ALPHABET.length()));
        long count = text.chars().filter(c -> c == letter).count();
        return new SyntheticTask(
                TaskFamily.COUNT_LETTER,
                "How many times does the letter " + letter + " appear in: " + text,
                Long.toString(count),
                difficulty);
    }
}
