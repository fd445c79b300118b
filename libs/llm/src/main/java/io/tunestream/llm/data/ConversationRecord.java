package io.tunestream.llm.data;

import io.tunestream.llm.prompt.ChatMessage;
import java.util.List;
import java.util.Objects;

/** A multi-turn chat; it has at least one assistant message, since that is what a model learns from. */
public record ConversationRecord(List<ChatMessage> messages) implements DataRecord {

    public ConversationRecord {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        if (messages.stream().noneMatch(message -> message.role().equals(ChatMessage.ASSISTANT))) {
            throw new IllegalArgumentException("a conversation needs at least one assistant message, got "
                    + messages.stream().map(ChatMessage::role).toList());
        }
    }

    @Override
    public DataFormat format() {
        return DataFormat.CONVERSATION;
    }
}
