package io.tunestream.llm.tokenizer;

import io.tunestream.llm.prompt.ChatMLTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Trains a byte-level BPE tokenizer of the GPT-2 / Llama-3 / Qwen2 family, in Java (the Rust tokenizers library that
 * DJL bundles exposes no trainer).
 *
 * <p>The vocabulary starts from the 256 byte symbols (ids 0 to 255, in byte order), so every text encodes; each merge of
 * the most frequent adjacent pair adds the next id; the special tokens come last, after the merges, as GPT-2 and Qwen2
 * place them. Pair frequency ties go to the pair whose left symbol, then right symbol, sorts first, which together with
 * sorted output makes training deterministic: the same texts and settings give byte-identical files.
 *
 * <p>Text is counted as words (GPT-2 pre-tokenization pieces) with frequencies, and pair counts are updated only for
 * the words a merge touches, so a few thousand merges over megabytes of text take seconds. Special tokens that occur
 * in the training texts are cut out first, so no merge ever spans them.
 */
public final class BpeTrainer {

    /** The document separator (also bos and pad by default), as in GPT-2 and Qwen2. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    public static final String IM_START = "<|im_start|>";
    /** ChatML's end of turn, the default eos, so that generation of a chat answer stops there. */
    public static final String IM_END = "<|im_end|>";

    private static final int BYTE_SYMBOLS = 256;

    private final int vocabSize;
    private final int minFrequency;
    private final List<String> specialTokens;
    private final String bosToken;
    private final String eosToken;
    private final String padToken;
    private final int modelMaxLength;
    private final String chatTemplate;
    private final boolean individualDigits;

    private BpeTrainer(Builder builder) {
        this.specialTokens = List.copyOf(builder.specialTokens);
        if (builder.vocabSize < BYTE_SYMBOLS + specialTokens.size()) {
            throw new IllegalArgumentException("vocabSize " + builder.vocabSize + " must be at least "
                    + (BYTE_SYMBOLS + specialTokens.size()) + ": 256 byte symbols plus " + specialTokens.size()
                    + " special tokens");
        }
        if (builder.minFrequency < 1) {
            throw new IllegalArgumentException("minFrequency must be at least 1, not " + builder.minFrequency);
        }
        if (builder.modelMaxLength < 1) {
            throw new IllegalArgumentException("modelMaxLength must be positive, not " + builder.modelMaxLength);
        }
        for (String special : specialTokens) {
            if (special.isEmpty()) {
                throw new IllegalArgumentException("special tokens must not be empty: " + specialTokens);
            }
        }
        requireSpecial("bosToken", builder.bosToken);
        requireSpecial("eosToken", builder.eosToken);
        requireSpecial("padToken", builder.padToken);
        this.vocabSize = builder.vocabSize;
        this.minFrequency = builder.minFrequency;
        this.bosToken = builder.bosToken;
        this.eosToken = builder.eosToken;
        this.padToken = builder.padToken;
        this.modelMaxLength = builder.modelMaxLength;
        this.chatTemplate = Objects.requireNonNull(builder.chatTemplate, "chatTemplate");
        this.individualDigits = builder.individualDigits;
    }

    private void requireSpecial(String role, String token) {
        Objects.requireNonNull(token, role);
        if (!specialTokens.contains(token)) {
            throw new IllegalArgumentException(
                    role + " '" + token + "' must be one of the special tokens " + specialTokens);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Learns merges from the texts until the vocabulary (special tokens included) has {@code vocabSize} tokens or no
     * pair occurs {@code minFrequency} times any more.
     */
    public TrainedBpe train(Iterable<String> texts) {
        WordCounts words = WordCounts.count(texts, specialTokens, individualDigits);
        List<String> symbols = new ArrayList<>(BYTE_SYMBOLS);
        Map<String, Integer> symbolIds = new HashMap<>();
        for (int b = 0; b < BYTE_SYMBOLS; b++) {
            symbols.add(ByteLevel.symbol(b));
            symbolIds.put(ByteLevel.symbol(b), b);
        }
        List<String> merges =
                new Merger(words, symbols, symbolIds).merge(vocabSize - specialTokens.size(), minFrequency);
        return new TrainedBpe(
                symbols,
                merges,
                specialTokens,
                bosToken,
                eosToken,
                padToken,
                modelMaxLength,
                chatTemplate,
                individualDigits);
    }

    /** Settings of a {@link BpeTrainer}; defaults: 4096 tokens, min frequency 2, ChatML special tokens. */
    public static final class Builder {
        private int vocabSize = 4096;
        private int minFrequency = 2;
        private List<String> specialTokens = List.of(END_OF_TEXT, IM_START, IM_END);
        private String bosToken = END_OF_TEXT;
        private String eosToken = IM_END;
        private String padToken = END_OF_TEXT;
        private int modelMaxLength = 2048;
        private String chatTemplate = ChatMLTemplate.JINJA_SOURCE;
        private boolean individualDigits;

        private Builder() {}

        /** The size of the whole vocabulary: 256 byte symbols, the merges and the special tokens. */
        public Builder vocabSize(int vocabSize) {
            this.vocabSize = vocabSize;
            return this;
        }

        /** Pairs seen fewer times than this are never merged. */
        public Builder minFrequency(int minFrequency) {
            this.minFrequency = minFrequency;
            return this;
        }

        /** Special tokens in id order after the merges; bos, eos and pad must be among them. */
        public Builder specialTokens(List<String> specialTokens) {
            this.specialTokens = List.copyOf(new LinkedHashSet<>(specialTokens));
            return this;
        }

        public Builder bosToken(String bosToken) {
            this.bosToken = bosToken;
            return this;
        }

        public Builder eosToken(String eosToken) {
            this.eosToken = eosToken;
            return this;
        }

        public Builder padToken(String padToken) {
            this.padToken = padToken;
            return this;
        }

        /** Written to tokenizer_config.json as {@code model_max_length}; the tokenizer itself never truncates. */
        public Builder modelMaxLength(int modelMaxLength) {
            this.modelMaxLength = modelMaxLength;
            return this;
        }

        /** The Jinja chat template written to tokenizer_config.json; ChatML by default. */
        public Builder chatTemplate(String chatTemplate) {
            this.chatTemplate = chatTemplate;
            return this;
        }

        /**
         * Splits every digit into a token of its own (Llama's {@code split_digits}, Qwen's pre-tokenizer): numbers
         * then read digit by digit the same way wherever they stand, which arithmetic needs; off by default.
         */
        public Builder individualDigits(boolean individualDigits) {
            this.individualDigits = individualDigits;
            return this;
        }

        public BpeTrainer build() {
            return new BpeTrainer(this);
        }
    }

    /** Distinct pre-tokenized words, sorted, with how often each occurs. */
    private record WordCounts(List<String> words, int[] counts) {

        static WordCounts count(Iterable<String> texts, List<String> specialTokens, boolean individualDigits) {
            Pattern specials = specialTokens.isEmpty()
                    ? null
                    : Pattern.compile(specialTokens.stream().map(Pattern::quote).collect(Collectors.joining("|")));
            Map<String, Integer> counts = new HashMap<>();
            for (String text : texts) {
                String[] parts = specials == null ? new String[] {text} : specials.split(text);
                for (String part : parts) {
                    for (String word : ByteLevel.preTokenize(part, individualDigits)) {
                        counts.merge(word, 1, Integer::sum);
                    }
                }
            }
            TreeMap<String, Integer> sorted = new TreeMap<>(counts);
            return new WordCounts(
                    List.copyOf(sorted.keySet()),
                    sorted.values().stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** The merge loop: pair counts over all words, and for each pair the words that may contain it. */
    private static final class Merger {
        private final int[][] words;
        private final int[] counts;
        private final List<String> symbols;
        private final Map<String, Integer> symbolIds;
        private final Map<Long, Long> pairCounts = new HashMap<>();
        private final Map<Long, Set<Integer>> pairWords = new HashMap<>();
        private final PriorityQueue<Candidate> queue;

        /** A pair with its count when queued; stale once the count has changed since. */
        private record Candidate(long pair, long count) {}

        Merger(WordCounts wordCounts, List<String> symbols, Map<String, Integer> symbolIds) {
            this.symbols = symbols;
            this.symbolIds = symbolIds;
            this.counts = wordCounts.counts();
            this.words = new int[wordCounts.words().size()][];
            for (int w = 0; w < words.length; w++) {
                String word = wordCounts.words().get(w);
                words[w] = word.chars()
                        .map(c -> symbolIds.get(String.valueOf((char) c)))
                        .toArray();
            }
            Comparator<Candidate> mostFrequentFirst =
                    Comparator.comparingLong(Candidate::count).reversed();
            this.queue = new PriorityQueue<>(mostFrequentFirst
                    .thenComparing(candidate -> symbols.get(left(candidate.pair())))
                    .thenComparing(candidate -> symbols.get(right(candidate.pair()))));
            for (int w = 0; w < words.length; w++) {
                int[] word = words[w];
                for (int i = 0; i + 1 < word.length; i++) {
                    long pair = pair(word[i], word[i + 1]);
                    pairCounts.merge(pair, (long) counts[w], Long::sum);
                    pairWords.computeIfAbsent(pair, p -> new HashSet<>()).add(w);
                }
            }
            pairCounts.forEach((pair, count) -> queue.add(new Candidate(pair, count)));
        }

        /** Merges until the symbols (bytes plus merges) number {@code targetSymbols}; returns the merges in order. */
        List<String> merge(int targetSymbols, int minFrequency) {
            List<String> merges = new ArrayList<>();
            while (symbols.size() < targetSymbols && !queue.isEmpty()) {
                Candidate top = queue.poll();
                long current = pairCounts.getOrDefault(top.pair(), 0L);
                if (current != top.count()) {
                    // Counts changed since this entry was queued: requeue with the true count, so it competes fairly.
                    if (current > 0) {
                        queue.add(new Candidate(top.pair(), current));
                    }
                    continue;
                }
                if (current < minFrequency) {
                    break;
                }
                int left = left(top.pair());
                int right = right(top.pair());
                String merged = symbols.get(left) + symbols.get(right);
                // Different merge paths can spell the same symbol ("ab"+"c", "a"+"bc"): it keeps its first id.
                Integer mergedId = symbolIds.get(merged);
                if (mergedId == null) {
                    mergedId = symbols.size();
                    symbols.add(merged);
                    symbolIds.put(merged, mergedId);
                }
                merges.add(symbols.get(left) + " " + symbols.get(right));
                apply(top.pair(), left, right, mergedId);
            }
            return merges;
        }

        private void apply(long mergedPair, int left, int right, int mergedId) {
            Set<Integer> candidates = pairWords.remove(mergedPair);
            Set<Long> changedPairs = new HashSet<>();
            for (int w : candidates) {
                int[] word = words[w];
                int[] replaced = replace(word, left, right, mergedId);
                if (replaced.length == word.length) {
                    continue;
                }
                long count = counts[w];
                for (int i = 0; i + 1 < word.length; i++) {
                    pairCounts.merge(pair(word[i], word[i + 1]), -count, Long::sum);
                }
                for (int i = 0; i + 1 < replaced.length; i++) {
                    long pair = pair(replaced[i], replaced[i + 1]);
                    pairCounts.merge(pair, count, Long::sum);
                    if (replaced[i] == mergedId || replaced[i + 1] == mergedId) {
                        pairWords.computeIfAbsent(pair, p -> new HashSet<>()).add(w);
                        changedPairs.add(pair);
                    }
                }
                words[w] = replaced;
            }
            pairCounts.remove(mergedPair);
            for (long pair : changedPairs) {
                queue.add(new Candidate(pair, pairCounts.get(pair)));
            }
        }

        /** The word with each non-overlapping occurrence of (left, right), scanned left to right, merged. */
        private static int[] replace(int[] word, int left, int right, int mergedId) {
            int[] replaced = new int[word.length];
            int length = 0;
            for (int i = 0; i < word.length; i++) {
                if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                    replaced[length++] = mergedId;
                    i++;
                } else {
                    replaced[length++] = word[i];
                }
            }
            return length == word.length ? word : Arrays.copyOf(replaced, length);
        }

        private static long pair(int left, int right) {
            return ((long) left << 32) | (right & 0xFFFFFFFFL);
        }

        private static int left(long pair) {
            return (int) (pair >>> 32);
        }

        private static int right(long pair) {
            return (int) pair;
        }
    }
}
