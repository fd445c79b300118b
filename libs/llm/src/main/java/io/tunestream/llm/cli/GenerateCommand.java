package io.tunestream.llm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.generation.Completion;
import io.tunestream.llm.generation.FinishReason;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationResult;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.TokenListener;
import io.tunestream.llm.prompt.ChatMessage;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Generates a continuation. Prints one JSON object whose {@code ids} are the prompt ids followed by the first
 * sample's generated ids; with {@code --stream} prints the text as it is generated instead.
 */
@Command(name = "generate", description = "Generate a continuation of token ids or of a text prompt.")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Hugging Face model directory")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--ids", description = "prompt token ids, e.g. \"1 5 9\" (no tokenizer needed)")
        String ids;

        @Option(names = "--prompt", description = "prompt text (needs the model's tokenizer)")
        String prompt;
    }

    @Option(names = "--chat", description = "render --prompt as a user message with the chat template")
    boolean chat;

    @Option(
            names = "--template",
            defaultValue = PromptTemplates.CHATML,
            description = "built-in template when the model has none: chatml, alpaca, instruct (default chatml)")
    String template;

    @Option(names = "--system", description = "system message for --chat")
    String system;

    @Option(names = "--n", defaultValue = "1", description = "samples per prompt")
    int n;

    @Option(names = "--stream", description = "print text as it is generated (first sample) instead of JSON")
    boolean stream;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Integer call() throws Exception {
        try (LoadedModel loaded = LoadedModel.open(model);
                GenerationScheduler scheduler = loaded.scheduler(Math.max(n, 1))) {
            int[] promptIds = promptIds(loaded);
            TokenListener listener = TokenListener.NONE;
            if (stream) {
                loaded.requireTokenizer("--stream");
                listener = new TokenListener() {
                    @Override
                    public void onToken(int sample, int token, String delta) {
                        print(sample, delta);
                    }

                    @Override
                    public void onFinish(int sample, String remainder, FinishReason reason) {
                        print(sample, remainder);
                    }

                    private void print(int sample, String text) {
                        if (sample == 0 && text != null) {
                            System.out.print(text);
                            System.out.flush();
                        }
                    }
                };
            }
            GenerationResult result =
                    scheduler.generate(new GenerationRequest(promptIds, sampling.toParams(n), listener));
            if (stream) {
                System.out.println();
                return 0;
            }
            System.out.println(Json.MAPPER.writeValueAsString(toJson(promptIds, result)));
        }
        return 0;
    }

    private int[] promptIds(LoadedModel loaded) {
        if (input.ids != null) {
            if (chat) {
                throw new IllegalArgumentException("--chat renders a text prompt; it cannot be used with --ids");
            }
            return Json.parseIds(input.ids);
        }
        Tokenizer tokenizer = loaded.requireTokenizer("--prompt");
        if (!chat) {
            return tokenizer.encode(input.prompt);
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) {
            messages.add(ChatMessage.system(system));
        }
        messages.add(ChatMessage.user(input.prompt));
        String rendered = PromptTemplates.forTokenizer(tokenizer, template).render(messages, true);
        return tokenizer.encode(rendered, false);
    }

    static ObjectNode toJson(int[] promptIds, GenerationResult result) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        ArrayNode ids = json.putArray("ids");
        for (int id : promptIds) {
            ids.add(id);
        }
        Completion first = result.first();
        for (int id : first.tokenIds()) {
            ids.add(id);
        }
        // As Hugging Face's generate returns them: the end-of-sequence token that stopped generation is included.
        if (first.stopTokenId() != null) {
            ids.add(first.stopTokenId());
        }
        if (first.text() != null) {
            json.put("text", first.text());
        }
        json.put("finish_reason", first.finishReason().openAiName());
        json.put("prompt_tokens", result.promptTokens());
        json.put("completion_tokens", result.completionTokens());
        if (result.completions().size() > 1) {
            ArrayNode completions = json.putArray("completions");
            for (Completion completion : result.completions()) {
                ObjectNode node = completions.addObject();
                node.put("index", completion.index());
                ArrayNode completionIds = node.putArray("ids");
                for (int id : completion.tokenIds()) {
                    completionIds.add(id);
                }
                if (completion.text() != null) {
                    node.put("text", completion.text());
                }
                node.put("finish_reason", completion.finishReason().openAiName());
            }
        }
        return json;
    }
}
