package io.tunestream.llm.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.llm.prompt.ChatMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns one JSON value into a {@link DataRecord} of a given format, naming the field when something is wrong. */
final class RecordParser {

    private static final Set<String> TURN_KEYS = Set.of("human", "assistant", "system");
    private static final Map<String, String> ROLE_ALIASES = Map.of(
            "system", ChatMessage.SYSTEM,
            "user", ChatMessage.USER,
            "human", ChatMessage.USER,
            "assistant", ChatMessage.ASSISTANT);

    private RecordParser() {}

    static DataRecord parse(JsonNode value, DataFormat format) throws InvalidRecordException {
        if (format == DataFormat.CONVERSATION && value.isArray()) {
            return conversation(turns(value, ""));
        }
        if (!value.isObject()) {
            throw new InvalidRecordException(
                    null,
                    "expected " + (format == DataFormat.CONVERSATION ? "an object or an array of turns" : "an object")
                            + ", found " + describe(value));
        }
        return switch (format) {
            case INSTRUCTION ->
                new InstructionRecord(
                        requiredText(value, "instruction", "", format),
                        optionalString(value, "input", ""),
                        requiredText(value, "output", "", format));
            case PREFERENCE ->
                new PreferenceRecord(
                        optionalString(value, "system", ""),
                        requiredString(value, "prompt", "", format),
                        requiredText(value, "chosen", "", format),
                        requiredText(value, "rejected", "", format));
            case TEXT -> new TextRecord(requiredText(value, "text", "", format));
            case CONVERSATION -> conversation(conversationObject(value));
        };
    }

    /**
     * True when the value looks like one multi-turn conversation in the turn format, {@code [{"human": ...,
     * "assistant": ...}, ...]}, rather than a list of records; used to tell a one-line JSONL file from a JSON array.
     */
    static boolean isTurnArray(JsonNode value) {
        if (!value.isArray() || value.isEmpty()) {
            return false;
        }
        for (JsonNode element : value) {
            if (!element.isObject() || !element.has("human")) {
                return false;
            }
            for (Iterator<String> keys = element.fieldNames(); keys.hasNext(); ) {
                if (!TURN_KEYS.contains(keys.next())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<ChatMessage> conversationObject(JsonNode value) throws InvalidRecordException {
        for (String key : List.of("messages", "conversations", "conversation")) {
            JsonNode list = value.get(key);
            if (list == null) {
                continue;
            }
            if (!list.isArray()) {
                throw new InvalidRecordException(key, "expected an array, found " + describe(list));
            }
            return key.equals("messages") ? roleMessages(list) : turns(list, key);
        }
        if (value.has("human") || value.has("assistant")) {
            List<ChatMessage> messages = new ArrayList<>(3);
            addTurn(value, "", true, messages);
            return messages;
        }
        throw new InvalidRecordException(
                null,
                "no conversation found (a conversation record needs " + DataFormat.CONVERSATION.requiredFields() + ")"
                        + lookalikeHint(value, DataFormat.CONVERSATION));
    }

    /** {@code [{"human": ..., "assistant": ...}, ...]}: each turn is a user and an assistant message. */
    private static List<ChatMessage> turns(JsonNode list, String path) throws InvalidRecordException {
        if (list.isEmpty()) {
            throw new InvalidRecordException(path.isEmpty() ? null : path, "a conversation needs at least one turn");
        }
        List<ChatMessage> messages = new ArrayList<>(list.size() * 2 + 1);
        for (int i = 0; i < list.size(); i++) {
            JsonNode turn = list.get(i);
            String turnPath = path + "[" + i + "]";
            if (!turn.isObject()) {
                throw new InvalidRecordException(
                        turnPath,
                        "expected a turn object {\"human\": ..., \"assistant\": ...}, found " + describe(turn));
            }
            addTurn(turn, turnPath + ".", i == 0, messages);
        }
        return messages;
    }

    private static void addTurn(JsonNode turn, String prefix, boolean first, List<ChatMessage> messages)
            throws InvalidRecordException {
        if (turn.has("system")) {
            if (!first) {
                throw new InvalidRecordException(
                        prefix + "system", "a system message is only allowed in the first turn");
            }
            messages.add(ChatMessage.system(requiredString(turn, "system", prefix, null)));
        }
        messages.add(ChatMessage.user(requiredTurnString(turn, "human", prefix)));
        messages.add(ChatMessage.assistant(requiredTurnString(turn, "assistant", prefix)));
    }

    private static String requiredTurnString(JsonNode turn, String key, String prefix) throws InvalidRecordException {
        if (!turn.has(key)) {
            throw new InvalidRecordException(
                    prefix + key,
                    "missing (a turn needs \"human\" and \"assistant\"; \"system\" is optional in the first)");
        }
        return requiredString(turn, key, prefix, null);
    }

    /** OpenAI style: {@code [{"role": "user", "content": ...}, ...]}. */
    private static List<ChatMessage> roleMessages(JsonNode list) throws InvalidRecordException {
        if (list.isEmpty()) {
            throw new InvalidRecordException("messages", "a conversation needs at least one message");
        }
        List<ChatMessage> messages = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode message = list.get(i);
            String prefix = "messages[" + i + "].";
            if (!message.isObject()) {
                throw new InvalidRecordException(
                        "messages[" + i + "]",
                        "expected a message object {\"role\": ..., \"content\": ...}, found " + describe(message));
            }
            String role = requiredString(message, "role", prefix, null);
            String canonicalRole = ROLE_ALIASES.get(role);
            if (canonicalRole == null) {
                throw new InvalidRecordException(
                        prefix + "role", "\"" + role + "\" is not a role; accepted: system, user, assistant, human");
            }
            messages.add(new ChatMessage(canonicalRole, requiredString(message, "content", prefix, null)));
        }
        return messages;
    }

    private static ConversationRecord conversation(List<ChatMessage> messages) throws InvalidRecordException {
        if (messages.stream().noneMatch(message -> message.role().equals(ChatMessage.ASSISTANT))) {
            throw new InvalidRecordException(null, "a conversation needs at least one assistant message");
        }
        return new ConversationRecord(messages);
    }

    /** A string that must be present and not blank. */
    private static String requiredText(JsonNode object, String key, String prefix, DataFormat format)
            throws InvalidRecordException {
        String value = requiredString(object, key, prefix, format);
        if (value.isBlank()) {
            throw new InvalidRecordException(prefix + key, "must not be empty");
        }
        return value;
    }

    /**
     * A string that must be present (it may be empty).
     *
     * @param format the record's format, for the "missing field" message; null inside nested objects
     */
    private static String requiredString(JsonNode object, String key, String prefix, DataFormat format)
            throws InvalidRecordException {
        JsonNode value = object.get(key);
        if (value == null) {
            String needs = format == null
                    ? ""
                    : " (" + article(format) + " " + format.label() + " record needs " + format.requiredFields() + ")"
                            + lookalikeHint(object, format);
            throw new InvalidRecordException(prefix + key, "missing" + needs);
        }
        if (!value.isTextual()) {
            throw new InvalidRecordException(prefix + key, "expected a string, found " + describe(value));
        }
        return value.textValue();
    }

    /** An optional string: absent or null means {@code absent}. */
    private static String optionalString(JsonNode object, String key, String absent) throws InvalidRecordException {
        JsonNode value = object.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isTextual()) {
            throw new InvalidRecordException(key, "expected a string or null, found " + describe(value));
        }
        return value.textValue();
    }

    /** When a record of another format turns up among records of {@code expected}, say so: that is the likely fix. */
    private static String lookalikeHint(JsonNode object, DataFormat expected) {
        return DataFormat.detect(object)
                .filter(detected -> detected != expected)
                .map(detected -> "; this record looks like " + article(detected) + " " + detected.label()
                        + " record, but the dataset's records are " + expected.label())
                .orElse("");
    }

    private static String article(DataFormat format) {
        return format == DataFormat.INSTRUCTION ? "an" : "a";
    }

    static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case BINARY -> "binary data";
            case MISSING -> "nothing";
        };
    }
}
