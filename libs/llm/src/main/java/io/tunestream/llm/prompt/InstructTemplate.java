package io.tunestream.llm.prompt;

import java.util.Optional;

/**
 * The terse format of phi-1.5-style instruction data: {@code Instruct: {user}\nOutput: {assistant}{eos}}, turns
 * joined with a newline. The generation prompt ends in {@code "Output:"} without a space: the space belongs to the
 * answer (trainable, together with the answer and its eos), because byte-level tokenizers spell a word with its
 * leading space as one token. A leading system message opens the first instruction, followed by a newline.
 */
public final class InstructTemplate extends InstructionResponseTemplate {

    public InstructTemplate(String eosToken) {
        super("instruct", eosToken);
    }

    @Override
    String preamble() {
        return "";
    }

    @Override
    String instruction(boolean first, Optional<String> system, String content) {
        return (first ? "" : "\n") + "Instruct: "
                + system.map(text -> text + "\n").orElse("") + content;
    }

    @Override
    String responseHeader() {
        return "\nOutput:";
    }

    @Override
    String responseBody(String content) {
        return " " + content + eosToken;
    }
}
