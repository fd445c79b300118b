package io.tunestream.llm.generation;

import java.util.List;

/** The samples of one request, ordered by index, with token counts as OpenAI reports them. */
public record GenerationResult(int promptTokens, List<Completion> completions) {

    public GenerationResult {
        completions = List.copyOf(completions);
    }

    public int completionTokens() {
        return completions.stream().mapToInt(c -> c.tokenIds().length).sum();
    }

    public Completion first() {
        return completions.get(0);
    }
}
