package io.tunestream.llm.generation;

/**
 * A constraint on what a sequence may generate: the sampler only draws tokens its state allows, so the output keeps
 * the grammar's syntax. One grammar serves many sequences; each gets its own {@link State}.
 */
public interface TokenGrammar {

    /** The state of one sequence before its first token. */
    State start();

    /** Where one sequence is in the grammar. Used by one decode thread only. */
    interface State {

        /**
         * Whether the token keeps the output a valid prefix, and one that {@code tokensLeftAfter} more tokens can
         * still complete (so a length limit never cuts the output off mid-syntax).
         */
        boolean allows(int tokenId, int tokensLeftAfter);

        /** Advances past a token the sampler drew. */
        void accept(int tokenId);

        /** True when the output is complete: only an end-of-sequence token may follow. */
        boolean complete();
    }
}
