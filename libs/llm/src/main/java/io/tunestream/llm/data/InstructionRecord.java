package io.tunestream.llm.data;

import io.tunestream.llm.prompt.ChatMessage;
import java.util.List;
import java.util.Objects;

/**
 * An Alpaca-style instruction example. {@code input} is optional context for the instruction and is empty when
 * absent.
 */
public record InstructionRecord(String instruction, String input, String output) implements DataRecord {

    public InstructionRecord {
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(output, "output");
        input = input == null ? "" : input;
        if (instruction.isBlank()) {
            throw new IllegalArgumentException("instruction must not be blank");
        }
        if (output.isBlank()) {
            throw new IllegalArgumentException("output must not be blank");
        }
    }

    /** An instruction without input. */
    public static InstructionRecord of(String instruction, String output) {
        return new InstructionRecord(instruction, "", output);
    }

    /** The example as a chat: the user asks the instruction (followed by the input, if any), the assistant answers. */
    public List<ChatMessage> messages() {
        String userContent = input.isEmpty() ? instruction : instruction + "\n\n" + input;
        return List.of(ChatMessage.user(userContent), ChatMessage.assistant(output));
    }

    @Override
    public DataFormat format() {
        return DataFormat.INSTRUCTION;
    }
}
