package io.tunestream.llm.prompt;

import java.util.List;

/**
 * ChatML, as Qwen2 and OpenAI use it: {@code <|im_start|>role\ncontent<|im_end|>\n} per message (system messages
 * included, no default system message), and {@code <|im_start|>assistant\n} as the generation prompt.
 * An assistant turn's content and its {@code <|im_end|>} are trainable; the newline after it is not, since generation
 * stops at {@code <|im_end|>}.
 */
public final class ChatMLTemplate implements PromptTemplate {

    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";

    /** The same format as a Hugging Face chat template, written into tokenizers trained here. */
    public static final String JINJA_SOURCE = "{% for message in messages %}"
            + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        String conversation = Segments.join(segments(messages));
        return addGenerationPrompt ? conversation + header(ChatMessage.ASSISTANT) : conversation;
    }

    @Override
    public List<PromptSegment> segments(List<ChatMessage> messages) {
        Segments segments = new Segments();
        for (ChatMessage message : messages) {
            boolean assistant = message.role().equals(ChatMessage.ASSISTANT);
            segments.add(header(message.role()), false)
                    .add(message.content() + IM_END, assistant)
                    .add("\n", false);
        }
        return segments.toList();
    }

    private static String header(String role) {
        return IM_START + role + "\n";
    }
}
