package io.tunestream.llm.prompt;

import java.util.Optional;

/**
 * The Stanford Alpaca format:
 * <pre>
 * Below is an instruction that describes a task. Write a response that appropriately completes the request.
 *
 * ### Instruction:
 * {user}
 *
 * ### Response:
 * {assistant}{eos}</pre>
 * Further turns repeat the instruction and response blocks, each after a blank line. A leading system message goes
 * into the first instruction, followed by a blank line and the user's text. The generation prompt is
 * {@code "\n\n### Response:\n"}; the answer and its eos are trainable.
 */
public final class AlpacaTemplate extends InstructionResponseTemplate {

    static final String PREAMBLE = "Below is an instruction that describes a task."
            + " Write a response that appropriately completes the request.\n\n";

    public AlpacaTemplate(String eosToken) {
        super("alpaca", eosToken);
    }

    @Override
    String preamble() {
        return PREAMBLE;
    }

    @Override
    String instruction(boolean first, Optional<String> system, String content) {
        return (first ? "" : "\n\n") + "### Instruction:\n"
                + system.map(text -> text + "\n\n").orElse("") + content;
    }

    @Override
    String responseHeader() {
        return "\n\n### Response:\n";
    }

    @Override
    String responseBody(String content) {
        return content + eosToken;
    }
}
