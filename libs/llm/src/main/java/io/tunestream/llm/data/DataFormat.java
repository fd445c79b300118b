package io.tunestream.llm.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;

/**
 * The training data formats, each with the JSON keys that identify it.
 *
 * <p>{@link #detect(JsonNode)} looks at keys only, not at their values, so that a record with a missing or mistyped
 * field is still recognised and then reported by name ("missing field output") instead of being rejected as an unknown
 * format.
 */
public enum DataFormat {

    /** Alpaca: {@code {"instruction": ..., "input": ..., "output": ...}}, input optional. */
    INSTRUCTION("instruction and output; input is optional"),
    /** Multi-turn chat: an array of {@code {"human", "assistant"}} turns, {@code conversations} or {@code messages}. */
    CONVERSATION("an array of {\"human\", \"assistant\"} turns, \"conversations\", \"conversation\" or \"messages\""),
    /** DPO pairs: {@code {"prompt": ..., "chosen": ..., "rejected": ...}}, system optional. */
    PREFERENCE("prompt, chosen and rejected; system is optional"),
    /** Plain text for continued pretraining: {@code {"text": ...}}. */
    TEXT("text");

    private final String requiredFields;

    DataFormat(String requiredFields) {
        this.requiredFields = requiredFields;
    }

    /** What a record of this format must contain, in words, for error messages. */
    public String requiredFields() {
        return requiredFields;
    }

    /** The lower-case name used in messages and files, e.g. {@code "instruction"}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Recognises a record's format from its shape: an array is a conversation (a list of turns); in an object,
     * {@code instruction} means instruction, {@code chosen} or {@code rejected} preference, {@code messages},
     * {@code conversations}, {@code conversation} or {@code human} conversation, and {@code text} text, checked in
     * that order.
     *
     * @return empty when the value is neither an array nor an object with one of those keys
     */
    public static Optional<DataFormat> detect(JsonNode record) {
        if (record.isArray()) {
            return Optional.of(CONVERSATION);
        }
        if (!record.isObject()) {
            return Optional.empty();
        }
        if (record.has("instruction")) {
            return Optional.of(INSTRUCTION);
        }
        if (record.has("chosen") || record.has("rejected")) {
            return Optional.of(PREFERENCE);
        }
        if (record.has("messages")
                || record.has("conversations")
                || record.has("conversation")
                || record.has("human")) {
            return Optional.of(CONVERSATION);
        }
        if (record.has("text")) {
            return Optional.of(TEXT);
        }
        return Optional.empty();
    }
}
