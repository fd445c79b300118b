package io.tunestream.llm.generation;

import java.util.Locale;

/** Why a sample ended, with OpenAI's names. */
public enum FinishReason {
    /** An end-of-sequence or stop token, or a stop string. */
    STOP,
    /** {@code max_new_tokens} reached, or the model's context is full. */
    LENGTH;

    public String openAiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
