package io.tunestream.llm.prompt;

import io.tunestream.llm.tokenizer.Tokenizer;
import java.util.List;
import java.util.Locale;

/** Finds the prompt template for a model: its own chat template, or a built-in one by name. */
public final class PromptTemplates {

    public static final String CHATML = "chatml";
    public static final String ALPACA = "alpaca";
    public static final String INSTRUCT = "instruct";
    /** The built-in names, in the order error messages list them. */
    public static final List<String> NAMES = List.of(CHATML, ALPACA, INSTRUCT);
    /** The eos that {@link #named(String)} gives Alpaca and Instruct: GPT-2's and Qwen2's document end. */
    public static final String DEFAULT_EOS_TOKEN = "<|endoftext|>";

    private PromptTemplates() {}

    /** A built-in template by name (case-insensitive), ending answers with {@value #DEFAULT_EOS_TOKEN}. */
    public static PromptTemplate named(String name) {
        return named(name, DEFAULT_EOS_TOKEN);
    }

    /**
     * A built-in template by name (case-insensitive).
     *
     * @param eosToken what ends each answer in Alpaca and Instruct (ChatML ends turns with {@code <|im_end|>})
     * @throws IllegalArgumentException for a name other than {@link #NAMES}
     */
    public static PromptTemplate named(String name, String eosToken) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case CHATML -> new ChatMLTemplate();
            case ALPACA -> new AlpacaTemplate(eosToken);
            case INSTRUCT -> new InstructTemplate(eosToken);
            default ->
                throw new IllegalArgumentException(
                        "unknown prompt template '" + name + "'; built-in templates are " + NAMES);
        };
    }

    /**
     * The tokenizer's own chat template if its checkpoint has one, else the built-in {@code fallbackName} with the
     * tokenizer's eos token.
     *
     * @throws IllegalArgumentException for an unknown fallback name, or when Alpaca or Instruct is needed and the
     *                                  tokenizer has no eos token to end answers with
     */
    public static PromptTemplate forTokenizer(Tokenizer tokenizer, String fallbackName) {
        // Resolved even when unused, so that a misspelt fallback fails now rather than with the next checkpoint.
        PromptTemplate fallback = named(fallbackName, tokenizer.eosToken().orElse(""));
        if (tokenizer.chatTemplate().isPresent()) {
            return new JinjaPromptTemplate(
                    tokenizer.chatTemplate().get(),
                    tokenizer.bosToken().orElse(""),
                    tokenizer.eosToken().orElse(""));
        }
        if (tokenizer.eosToken().isEmpty() && !(fallback instanceof ChatMLTemplate)) {
            throw new IllegalArgumentException("prompt template '" + fallbackName + "' ends answers with the eos"
                    + " token, but the tokenizer has none (no eos_token in tokenizer_config.json, no eos_token_id in"
                    + " generation_config.json or config.json); use '" + CHATML + "'");
        }
        return fallback;
    }
}
