package io.tunestream.training.service;

import io.tunestream.events.GateEvaluation;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parent and candidate on the evaluation set their model's policy names: both answer every item greedily with the
 * same settings (the same prompt template, the same answer budget), an answer counts when it equals the reference
 * after trimming and collapsing whitespace ({@link ExactMatch}), and the item-by-item results are summarised as the
 * registry's gate needs them: correct counts, the discordant counts of the paired test, and the same per family.
 */
final class GateEvaluator {

    /** Tokens a model may generate beyond the longest reference answer: room for spacing, never for a second answer. */
    static final int ANSWER_SLACK_TOKENS = 4;

    private GateEvaluator() {}

    /**
     * Asks both checkpoints every item; the parent's tokenizer (the candidate's is a copy) renders the questions.
     *
     * @param parent the starting model's checkpoint directory (with tokenizer files)
     * @param candidate the merged checkpoint that will be registered
     */
    static GateEvaluation evaluate(EvaluationSet set, Path parent, Path candidate) {
        int longest;
        try (Tokenizer tokenizer = Tokenizer.load(parent)) {
            longest = set.items().stream()
                    .mapToInt(item -> tokenizer.encode(item.question().answer().strip(), false).length)
                    .max()
                    .orElse(0);
        }
        // One budget for the whole set, the same for both models: a right answer always fits.
        return evaluate(set, parent, candidate, longest + ANSWER_SLACK_TOKENS);
    }

    /** As {@link #evaluate(EvaluationSet, Path, Path)}, every answer up to {@code maxNewTokens} tokens. */
    static GateEvaluation evaluate(EvaluationSet set, Path parent, Path candidate, int maxNewTokens) {
        Inference.disableGradientsOnThisThread();
        try (Tokenizer tokenizer = Tokenizer.load(parent)) {
            PromptTemplate template = PromptTemplates.forTokenizer(tokenizer, PromptTemplates.CHATML);
            List<ExactMatch.Question> questions =
                    set.items().stream().map(EvaluationSet.Item::question).toList();
            boolean[] parentCorrect;
            try (LlamaModel model = LlamaModel.load(parent)) {
                parentCorrect = ExactMatch.correct(model, tokenizer, template, questions, maxNewTokens);
            }
            boolean[] candidateCorrect;
            try (LlamaModel model = LlamaModel.load(candidate)) {
                candidateCorrect = ExactMatch.correct(model, tokenizer, template, questions, maxNewTokens);
            }
            return summarize(set, parentCorrect, candidateCorrect);
        }
    }

    /** The gate's summary of item-by-item results, in the set's item order. */
    static GateEvaluation summarize(EvaluationSet set, boolean[] parentCorrect, boolean[] candidateCorrect) {
        int items = set.items().size();
        if (parentCorrect.length != items || candidateCorrect.length != items) {
            throw new IllegalArgumentException("results for " + parentCorrect.length + " and " + candidateCorrect.length
                    + " items, but the set has " + items);
        }
        int parent = 0;
        int candidate = 0;
        int candidateOnly = 0;
        int parentOnly = 0;
        // family -> {items, candidateCorrect, parentCorrect}
        Map<String, int[]> families = new TreeMap<>();
        for (int i = 0; i < items; i++) {
            boolean p = parentCorrect[i];
            boolean c = candidateCorrect[i];
            parent += p ? 1 : 0;
            candidate += c ? 1 : 0;
            candidateOnly += c && !p ? 1 : 0;
            parentOnly += p && !c ? 1 : 0;
            int[] family = families.computeIfAbsent(set.items().get(i).family(), name -> new int[3]);
            family[0]++;
            family[1] += c ? 1 : 0;
            family[2] += p ? 1 : 0;
        }
        Map<String, GateEvaluation.FamilyResult> byFamily = new TreeMap<>();
        families.forEach(
                (name, counts) -> byFamily.put(name, new GateEvaluation.FamilyResult(counts[0], counts[1], counts[2])));
        return new GateEvaluation(
                set.dataset(),
                set.version(),
                set.sha256(),
                items,
                candidate,
                parent,
                candidateOnly,
                parentOnly,
                byFamily);
    }
}
