package io.tunestream.llm.evaluation;

import java.util.List;
import java.util.Objects;

/**
 * How the model did on one item.
 *
 * @param completions the generated texts, one per sample
 * @param predicted   the answer read from the completions (the majority answer when there are several samples);
 *                    empty when none held an answer
 * @param correct     whether {@code predicted} is the item's answer
 */
public record ItemResult(EvalItem item, List<String> completions, String predicted, boolean correct) {

    public ItemResult {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(predicted, "predicted");
        completions = List.copyOf(completions);
        if (completions.isEmpty()) {
            throw new IllegalArgumentException("an item result needs at least one completion");
        }
    }
}
