package io.tunestream.llm.prompt;

import static io.tunestream.llm.prompt.ChatMessage.assistant;
import static io.tunestream.llm.prompt.ChatMessage.system;
import static io.tunestream.llm.prompt.ChatMessage.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real checkpoints' chat templates, against the text transformers' apply_chat_template gives for them. */
class JinjaPromptTemplateTest {

    private static final List<ChatMessage> CONVERSATION =
            List.of(user("What is 2+2?"), assistant("4"), user("And 3+3?"), assistant("6"));

    static String fixture(String name) {
        String resource = "/tokenizer/templates/" + name + "_tokenizer_config.json";
        try (InputStream in = JinjaPromptTemplateTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new ObjectMapper().readTree(in).get("chat_template").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void qwen2AddsItsDefaultSystemMessageAndTheGenerationPrompt() {
        JinjaPromptTemplate qwen = new JinjaPromptTemplate(fixture("qwen2"), "", "<|im_end|>");

        assertThat(qwen.render(List.of(user("Hi")), true))
                .isEqualTo("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nHi<|im_end|>\n"
                        + "<|im_start|>assistant\n");
        assertThat(qwen.render(List.of(system("Be brief."), user("Hi"), assistant("Hello!")), false))
                .isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n"
                        + "<|im_start|>user\nHi<|im_end|>\n"
                        + "<|im_start|>assistant\nHello!<|im_end|>\n");
    }

    @Test
    void qwen2SegmentsMarkOnlyAssistantAnswersTrainable() {
        JinjaPromptTemplate qwen = new JinjaPromptTemplate(fixture("qwen2"), "", "<|im_end|>");

        List<PromptSegment> segments = qwen.segments(CONVERSATION);

        assertThat(segments)
                .containsExactly(
                        new PromptSegment(
                                "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                                        + "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
                                false),
                        new PromptSegment("4<|im_end|>\n", true),
                        new PromptSegment("<|im_start|>user\nAnd 3+3?<|im_end|>\n<|im_start|>assistant\n", false),
                        new PromptSegment("6<|im_end|>\n", true));
        assertThat(Segments.join(segments)).isEqualTo(qwen.render(CONVERSATION, false));
    }

    @Test
    void llama3TrimsContentAndStartsWithBos() {
        JinjaPromptTemplate llama = new JinjaPromptTemplate(fixture("llama3"), "<|begin_of_text|>", "<|eot_id|>");

        assertThat(llama.render(List.of(system("  Be brief. "), user("Hi\n")), true))
                .isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(llama.segments(List.of(user("Hi"), assistant(" Hello "))))
                .containsExactly(
                        new PromptSegment(
                                "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                                false),
                        new PromptSegment("Hello<|eot_id|>", true));
    }

    @Test
    void zephyrTrimsBlockLinesButKeepsTheNewlineAfterEachExpression() {
        JinjaPromptTemplate zephyr = new JinjaPromptTemplate(fixture("zephyr"), "<s>", "</s>");

        assertThat(zephyr.render(List.of(system("You are a friendly chatbot."), user("Hi")), true))
                .isEqualTo("<|system|>\nYou are a friendly chatbot.</s>\n<|user|>\nHi</s>\n<|assistant|>\n");
        assertThat(zephyr.segments(List.of(user("Hi"), assistant("Hello!"))))
                .containsExactly(
                        new PromptSegment("<|user|>\nHi</s>\n<|assistant|>\n", false),
                        new PromptSegment("Hello!</s>\n", true));
    }

    @Test
    void llama31StyleTemplateWithNamespaceSlicingAndWhitespaceControlRenders() {
        JinjaPromptTemplate llama = new JinjaPromptTemplate(fixture("llama31"), "<|begin_of_text|>", "<|eot_id|>");

        assertThat(llama.render(List.of(system("Be brief."), user("Hi")), true))
                .isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                        + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
                        + "Be brief.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void mistralRaiseExceptionReachesTheCallerWithTheTemplatesMessage() {
        JinjaPromptTemplate mistral = new JinjaPromptTemplate(fixture("mistral"), "<s>", "</s>");

        assertThat(mistral.render(List.of(user("Hi"), assistant("Yo")), false)).isEqualTo("<s>[INST] Hi [/INST]Yo</s>");
        assertThat(mistral.segments(List.of(user("Hi"), assistant("Yo"))))
                .containsExactly(new PromptSegment("<s>[INST] Hi [/INST]", false), new PromptSegment("Yo</s>", true));
        assertThatThrownBy(() -> mistral.render(List.of(user("Hi"), user("again")), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("raise_exception: Conversation roles must alternate");
    }

    @Test
    void builtInChatMLJinjaSourceRendersLikeTheJavaTemplate() {
        JinjaPromptTemplate jinja = new JinjaPromptTemplate(ChatMLTemplate.JINJA_SOURCE, "", "<|im_end|>");
        ChatMLTemplate java = new ChatMLTemplate();
        List<ChatMessage> messages = List.of(system("S"), user("Q"), assistant("A"));

        assertThat(jinja.render(messages, true)).isEqualTo(java.render(messages, true));
        assertThat(jinja.render(messages, false)).isEqualTo(java.render(messages, false));
    }

    @Test
    void templateThatIsNotPrefixStableIsRefusedForSegments() {
        // Renders the generation prompt differently from how it renders an assistant turn.
        String lookingAhead = "{% for m in messages %}{% if m['role'] == 'assistant' %}A: {{ m['content'] }}\n"
                + "{% else %}Q: {{ m['content'] }}\n{% endif %}{% endfor %}"
                + "{% if add_generation_prompt %}Answer:{% endif %}";
        JinjaPromptTemplate template = new JinjaPromptTemplate(lookingAhead, "", "");

        assertThat(template.render(List.of(user("x")), true)).isEqualTo("Q: x\nAnswer:");
        assertThatThrownBy(() -> template.segments(List.of(user("x"), assistant("y"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not prefix-stable at message 1");
    }

    @Test
    void syntaxErrorsSayWhatFailed() {
        JinjaPromptTemplate broken = new JinjaPromptTemplate("{% for m in messages %}{{ m['role'] }}", "", "");

        assertThatThrownBy(() -> broken.render(List.of(user("x")), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chat template failed to render 1 messages");
    }
}
