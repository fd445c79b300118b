package io.tunestream.llm.prompt;

import java.util.Objects;
import java.util.Set;

/**
 * One message of a conversation, in the role vocabulary of chat templates (OpenAI and Hugging Face):
 * {@code system}, {@code user} or {@code assistant}.
 */
public record ChatMessage(String role, String content) {

    public static final String SYSTEM = "system";
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";
    private static final Set<String> ROLES = Set.of(SYSTEM, USER, ASSISTANT);

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role '" + role + "' is not one of "
                    + ROLES.stream().sorted().toList());
        }
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(ASSISTANT, content);
    }
}
