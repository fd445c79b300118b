package io.tunestream.llm.training;

import java.util.Arrays;

/**
 * One tokenized sequence and which of its tokens are learned: for continued pretraining every token after the first,
 * for SFT only the assistant's tokens (from {@code PromptTemplate.segments()}).
 *
 * @param learn learn[i] is true when token i is a target (predicted from the tokens before it); learn[0] is ignored
 */
public record TrainingExample(int[] ids, boolean[] learn) {

    public TrainingExample {
        if (ids.length < 2 || learn.length != ids.length) {
            throw new IllegalArgumentException("an example needs at least 2 tokens and one learn flag per token");
        }
        ids = ids.clone();
        learn = learn.clone();
    }

    /** Continued pretraining: every token is learned. */
    public static TrainingExample allTokens(int[] ids) {
        boolean[] learn = new boolean[ids.length];
        Arrays.fill(learn, true);
        return new TrainingExample(ids, learn);
    }

    public int learnedTokens() {
        int count = 0;
        for (int i = 1; i < learn.length; i++) {
            count += learn[i] ? 1 : 0;
        }
        return count;
    }
}
