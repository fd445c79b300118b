package io.tunestream.llm.prompt;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The shape shared by instruction formats without roles of their own: user messages become instructions, assistant
 * messages responses, and a leading system message is prepended to the first instruction.
 */
abstract class InstructionResponseTemplate implements PromptTemplate {

    private final String name;
    protected final String eosToken;

    InstructionResponseTemplate(String name, String eosToken) {
        this.name = name;
        this.eosToken = Objects.requireNonNull(eosToken, "eosToken");
    }

    /** Text before the first instruction. */
    abstract String preamble();

    /** An instruction; the first one carries the system message if there is one. */
    abstract String instruction(boolean first, Optional<String> system, String content);

    /** What opens a response: the non-trainable part, and the generation prompt. */
    abstract String responseHeader();

    /** The trainable part of a response. */
    abstract String responseBody(String content);

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        String conversation = Segments.join(segments(messages));
        return addGenerationPrompt ? conversation + responseHeader() : conversation;
    }

    @Override
    public List<PromptSegment> segments(List<ChatMessage> messages) {
        Segments segments = new Segments();
        if (messages.isEmpty()) {
            return segments.toList();
        }
        Optional<String> system = Optional.empty();
        int start = 0;
        if (messages.get(0).role().equals(ChatMessage.SYSTEM)) {
            system = Optional.of(messages.get(0).content());
            start = 1;
        }
        if (start == messages.size() || !messages.get(start).role().equals(ChatMessage.USER)) {
            throw new IllegalArgumentException(name + " template: the conversation must start with a user message"
                    + " (after an optional system message), not " + roles(messages));
        }
        segments.add(preamble(), false);
        boolean first = true;
        for (ChatMessage message : messages.subList(start, messages.size())) {
            switch (message.role()) {
                case ChatMessage.USER -> {
                    segments.add(instruction(first, first ? system : Optional.empty(), message.content()), false);
                    first = false;
                }
                case ChatMessage.ASSISTANT ->
                    segments.add(responseHeader(), false).add(responseBody(message.content()), true);
                default ->
                    throw new IllegalArgumentException(name + " template accepts a system message only as"
                            + " the first message, not in " + roles(messages));
            }
        }
        return segments.toList();
    }

    private static List<String> roles(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::role).toList();
    }
}
