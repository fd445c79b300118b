package io.tunestream.llm.generation;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Picks the next token of one sequence from its logits, in Hugging Face's order: repetition penalty, frequency and
 * presence penalties, temperature, top-k, top-p, then a draw (or argmax when greedy). Each sequence has its own
 * random stream, so a seeded sample is the same whatever else shares its batch.
 */
final class TokenSampler {

    private final SamplingParams params;
    private final BitSet seen = new BitSet();
    private final Map<Integer, Integer> outputCounts = new HashMap<>();
    private final SplittableRandom random;
    /** Null without a grammar. */
    private final TokenGrammar.State grammar;

    private final Set<Integer> eosTokenIds;

    /**
     * @param grammar     the sequence's grammar state, or null
     * @param eosTokenIds the ids that end the sequence: with a grammar, allowed exactly when its output is complete
     */
    TokenSampler(
            SamplingParams params,
            int[] promptIds,
            SplittableRandom random,
            TokenGrammar.State grammar,
            Set<Integer> eosTokenIds) {
        this.params = params;
        this.grammar = grammar;
        this.eosTokenIds = eosTokenIds;
        for (int id : promptIds) {
            seen.set(id);
        }
        this.random = random;
    }

    /** Records a generated token (for the penalties). */
    void accept(int token) {
        if (grammar != null) {
            grammar.accept(token);
        }
        seen.set(token);
        outputCounts.merge(token, 1, Integer::sum);
    }

    /**
     * @param logits     the row {@code [offset, offset + vocab)} of a batch's logits; not modified
     * @param tokensLeft tokens the sequence may still generate, this one included
     */
    int next(float[] logits, int offset, int vocab, int tokensLeft) {
        float[] scores = Arrays.copyOfRange(logits, offset, offset + vocab);
        applyPenalties(scores);
        if (grammar != null) {
            applyGrammar(scores, tokensLeft);
        }
        if (params.isGreedy()) {
            return argMax(scores);
        }
        int[] candidates = candidates(scores);
        double[] probabilities = softmax(scores, candidates, params.temperature());
        if (params.topP() < 1) {
            int keep = 0;
            double cumulative = 0;
            while (keep < candidates.length && (keep == 0 || cumulative < params.topP())) {
                cumulative += probabilities[keep];
                keep++;
            }
            candidates = Arrays.copyOf(candidates, keep);
            probabilities = softmax(scores, candidates, params.temperature());
        }
        double draw = random.nextDouble();
        double cumulative = 0;
        int lastPossible = candidates[0];
        for (int i = 0; i < candidates.length; i++) {
            cumulative += probabilities[i];
            if (probabilities[i] > 0) {
                lastPossible = candidates[i];
            }
            if (draw < cumulative) {
                return candidates[i];
            }
        }
        // Rounding left the draw above the sum: take the last token that had any chance (never a masked one).
        return lastPossible;
    }

    /** Masks every token the grammar refuses; end-of-sequence only once the output is complete. */
    private void applyGrammar(float[] scores, int tokensLeft) {
        boolean complete = grammar.complete();
        boolean any = false;
        for (int id = 0; id < scores.length; id++) {
            boolean allowed = eosTokenIds.contains(id) ? complete : !complete && grammar.allows(id, tokensLeft - 1);
            if (allowed) {
                any = any || scores[id] != Float.NEGATIVE_INFINITY;
            } else {
                scores[id] = Float.NEGATIVE_INFINITY;
            }
        }
        if (!any) {
            throw new IllegalStateException("the grammar allows no token here; the vocabulary cannot continue the"
                    + " output (no end-of-sequence token, or too few tokens left)");
        }
    }

    private void applyPenalties(float[] scores) {
        double repetition = params.repetitionPenalty();
        if (repetition != 1) {
            for (int id = seen.nextSetBit(0); id >= 0 && id < scores.length; id = seen.nextSetBit(id + 1)) {
                scores[id] = (float) (scores[id] > 0 ? scores[id] / repetition : scores[id] * repetition);
            }
        }
        if (params.frequencyPenalty() != 0 || params.presencePenalty() != 0) {
            outputCounts.forEach((id, count) -> {
                if (id < scores.length) {
                    scores[id] -= (float) (params.frequencyPenalty() * count + params.presencePenalty());
                }
            });
        }
    }

    /**
     * Token ids sorted by descending score, cut to top-k when set (keeping every token tied with the k-th, as Hugging
     * Face does); all ids unsorted when nothing is cut.
     */
    private int[] candidates(float[] scores) {
        if (params.topK() == 0 && params.topP() == 1) {
            int[] all = new int[scores.length];
            Arrays.setAll(all, i -> i);
            return all;
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order, (a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : Integer.compare(a, b));
        int keep = params.topK() > 0 ? Math.min(params.topK(), order.length) : order.length;
        while (keep < order.length && scores[order[keep]] == scores[order[keep - 1]]) {
            keep++;
        }
        int[] ids = new int[keep];
        for (int i = 0; i < keep; i++) {
            ids[i] = order[i];
        }
        return ids;
    }

    private static double[] softmax(float[] scores, int[] candidates, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int id : candidates) {
            max = Math.max(max, scores[id] / temperature);
        }
        double[] probabilities = new double[candidates.length];
        double sum = 0;
        for (int i = 0; i < candidates.length; i++) {
            probabilities[i] = Math.exp(scores[candidates[i]] / temperature - max);
            sum += probabilities[i];
        }
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] /= sum;
        }
        return probabilities;
    }

    /** The highest score; ties go to the lowest id, as torch.argmax does. */
    static int argMax(float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }
}
