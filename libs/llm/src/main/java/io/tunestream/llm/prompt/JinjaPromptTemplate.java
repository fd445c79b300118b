package io.tunestream.llm.prompt;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Hugging Face chat template (the {@code chat_template} of {@code tokenizer_config.json}), rendered with Jinjava the
 * way transformers renders it with jinja2: {@code trim_blocks} and {@code lstrip_blocks} on, filters binding tighter
 * than operators, and the variables {@code messages} (maps with {@code role} and {@code content}),
 * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token} and the function {@code raise_exception(message)}.
 *
 * <p>{@link #segments} assumes the template is prefix-stable: rendering the first messages of a conversation gives a
 * prefix of rendering more of them, and rendering with the generation prompt gives a prefix of rendering the next
 * assistant message. Then the text an assistant message adds is exactly what lies between the two. Templates that
 * look ahead (e.g. render the last message differently) break this, and {@link #segments} says so instead of
 * guessing.
 *
 * <p>Thread-safe: each rendering has its own interpreter.
 */
public final class JinjaPromptTemplate implements PromptTemplate {

    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinjava;

    /**
     * @param source   the Jinja template text
     * @param bosToken the value of {@code bos_token}; empty when the tokenizer has none
     * @param eosToken the value of {@code eos_token}; empty when the tokenizer has none
     */
    public JinjaPromptTemplate(String source, String bosToken, String eosToken) {
        this.source = Objects.requireNonNull(source, "source");
        this.bosToken = Objects.requireNonNull(bosToken, "bosToken");
        this.eosToken = Objects.requireNonNull(eosToken, "eosToken");
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUsePyishObjectMapper(true)
                        .withKeepNullableLoopValues(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .build())
                .build();
        this.jinjava = new Jinjava(config);
        jinjava.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "raise_exception", JinjaPromptTemplate.class, "raiseException", String.class));
    }

    /** The template's {@code raise_exception}: aborts rendering with the template's message. */
    public static Object raiseException(String message) {
        throw new TemplateRaisedException(message);
    }

    /** What a template's {@code raise_exception} throws while rendering. */
    static final class TemplateRaisedException extends RuntimeException {
        TemplateRaisedException(String message) {
            super(message);
        }
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        Map<String, Object> context = new HashMap<>();
        context.put(
                "messages", messages.stream().map(JinjaPromptTemplate::asMap).toList());
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        RenderResult result = jinjava.renderForResult(source, context);
        List<String> fatal = result.getErrors().stream()
                .filter(error -> error.getSeverity() == TemplateError.ErrorType.FATAL)
                .map(JinjaPromptTemplate::describe)
                .toList();
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException(
                    "chat template failed to render " + messages.size() + " messages: " + String.join("; ", fatal));
        }
        return result.getOutput();
    }

    private static Map<String, Object> asMap(ChatMessage message) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", message.role());
        map.put("content", message.content());
        return map;
    }

    private static String describe(TemplateError error) {
        String message = error.getMessage();
        Throwable cause = error.getException();
        while (cause != null) {
            if (cause instanceof TemplateRaisedException raised) {
                return "raise_exception: " + raised.getMessage();
            }
            cause = cause.getCause();
        }
        return (error.getLineno() > 0 ? "line " + error.getLineno() + ": " : "") + message;
    }

    @Override
    public List<PromptSegment> segments(List<ChatMessage> messages) {
        Segments segments = new Segments();
        String rendered = "";
        for (int i = 0; i < messages.size(); i++) {
            List<ChatMessage> upToThis = messages.subList(0, i + 1);
            String withThis = render(upToThis, false);
            if (messages.get(i).role().equals(ChatMessage.ASSISTANT)) {
                String prompt = render(messages.subList(0, i), true);
                requirePrefix(rendered, prompt, i, "the first " + i + " messages with the generation prompt");
                requirePrefix(prompt, withThis, i, "the first " + (i + 1) + " messages");
                segments.add(prompt.substring(rendered.length()), false).add(withThis.substring(prompt.length()), true);
            } else {
                requirePrefix(rendered, withThis, i, "the first " + (i + 1) + " messages");
                segments.add(withThis.substring(rendered.length()), false);
            }
            rendered = withThis;
        }
        if (messages.isEmpty()) {
            segments.add(render(messages, false), false);
        }
        return segments.toList();
    }

    private static void requirePrefix(String prefix, String text, int messageIndex, String rendering) {
        if (!text.startsWith(prefix)) {
            throw new IllegalStateException("chat template is not prefix-stable at message " + messageIndex
                    + ": the rendering of " + rendering + " does not start with the text rendered before it, so the"
                    + " assistant parts cannot be told apart; use a built-in template (chatml, alpaca, instruct)"
                    + " for training instead");
        }
    }
}
