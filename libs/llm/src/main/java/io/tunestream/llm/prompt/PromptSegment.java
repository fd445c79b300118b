package io.tunestream.llm.prompt;

import java.util.Objects;

/**
 * A consecutive piece of a rendered conversation, marked trainable when an assistant message produced it (its content
 * and its end-of-turn marker), so that a trainer puts loss on those tokens only.
 */
public record PromptSegment(String text, boolean trainable) {

    public PromptSegment {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a prompt segment must not be empty");
        }
    }
}
