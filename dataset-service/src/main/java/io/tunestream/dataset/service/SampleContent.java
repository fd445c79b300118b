package io.tunestream.dataset.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.llm.data.ConversationRecord;
import io.tunestream.llm.data.DataFormat;
import io.tunestream.llm.data.DataRecord;
import io.tunestream.llm.data.DatasetWriter;
import io.tunestream.llm.data.InstructionRecord;
import io.tunestream.llm.data.PreferenceRecord;
import io.tunestream.llm.prompt.ChatMessage;
import io.tunestream.platform.storage.Sha256;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the service keeps of one valid record: the record as received, the engine's canonical JSON (whose sha256 is
 * the content hash, so key order and spacing do not make a new sample) and, when the record can be a DPO prompt, the
 * prompt's messages and the ground-truth answer.
 *
 * <p>A DPO prompt is a user message, optionally after a system message, because that is what a preference triple
 * ({@code system}, {@code prompt}, {@code chosen}, {@code rejected}) and the engine's DPO trainer can express: Alpaca
 * records, single-turn conversations and preference records. A multi-turn conversation would be generated with its
 * history but trained without it, so it is not prompted ({@link #promptMessages()} empty).
 *
 * @param promptMessages the messages the prompt is rendered from; empty when the record is no DPO prompt
 * @param referenceAnswer the chosen answer; null when the record is no DPO prompt
 */
public record SampleContent(
        DataFormat format,
        String record,
        String canonical,
        String contentHash,
        List<ChatMessage> promptMessages,
        String referenceAnswer) {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<List<Map<String, String>>> MESSAGES = new TypeReference<>() {};

    public SampleContent {
        promptMessages = List.copyOf(promptMessages);
    }

    /** @param rawRecord the record's JSON exactly as received */
    public static SampleContent of(DataRecord parsed, String rawRecord) {
        String canonical = DatasetWriter.toJson(parsed).toString();
        List<ChatMessage> prompt = List.of();
        String reference = null;
        if (parsed instanceof InstructionRecord instruction) {
            List<ChatMessage> messages = instruction.messages();
            prompt = messages.subList(0, messages.size() - 1);
            reference = instruction.output();
        } else if (parsed instanceof PreferenceRecord preference) {
            prompt = preference.system().isEmpty()
                    ? List.of(ChatMessage.user(preference.prompt()))
                    : List.of(ChatMessage.system(preference.system()), ChatMessage.user(preference.prompt()));
            reference = preference.chosen();
        } else if (parsed instanceof ConversationRecord conversation) {
            List<ChatMessage> messages = conversation.messages();
            int lastAnswer = lastAssistant(messages);
            List<ChatMessage> context = messages.subList(0, lastAnswer);
            if (isSingleTurn(context)) {
                prompt = context;
                reference = messages.get(lastAnswer).content();
            }
        }
        if (reference == null || reference.isBlank()) {
            // An empty ground truth cannot be the chosen side of a pair.
            prompt = List.of();
            reference = null;
        }
        return new SampleContent(parsed.format(), rawRecord, canonical, Sha256.of(canonical), prompt, reference);
    }

    public boolean isDpoPrompt() {
        return !promptMessages.isEmpty();
    }

    /** {@link #promptMessages} as JSON ({@code [{"role", "content"}]}), or null when empty. */
    public String promptMessagesJson() {
        return promptMessages.isEmpty() ? null : messagesJson(promptMessages);
    }

    public static String messagesJson(List<ChatMessage> messages) {
        List<Map<String, String>> list = messages.stream()
                .map(message -> Map.of("role", message.role(), "content", message.content()))
                .toList();
        try {
            return MAPPER.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings always serialises", e);
        }
    }

    public static List<ChatMessage> messagesFromJson(String json) {
        try {
            List<ChatMessage> messages = new ArrayList<>();
            for (Map<String, String> message : MAPPER.readValue(json, MESSAGES)) {
                messages.add(new ChatMessage(message.get("role"), message.get("content")));
            }
            return messages;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored prompt messages are not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static int lastAssistant(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals(ChatMessage.ASSISTANT)) {
                return i;
            }
        }
        throw new IllegalArgumentException("a conversation record always has an assistant message");
    }

    private static boolean isSingleTurn(List<ChatMessage> context) {
        if (context.size() == 1) {
            return context.get(0).role().equals(ChatMessage.USER);
        }
        return context.size() == 2
                && context.get(0).role().equals(ChatMessage.SYSTEM)
                && context.get(1).role().equals(ChatMessage.USER);
    }
}
