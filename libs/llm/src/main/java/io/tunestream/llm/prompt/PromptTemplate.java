package io.tunestream.llm.prompt;

import java.util.List;

/** Turns a conversation into the text a model is trained on or prompted with. */
public interface PromptTemplate {

    /**
     * Renders the conversation.
     *
     * @param addGenerationPrompt whether to end with the opening of an assistant turn, for the model to continue
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);

    /**
     * The text of {@code render(messages, false)} as consecutive non-empty segments, trainable where an assistant
     * message produced them; adjacent segments differ in trainability.
     */
    List<PromptSegment> segments(List<ChatMessage> messages);
}
