package io.tunestream.llm.cli;

import io.tunestream.llm.generation.FinishReason;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationResult;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.TokenListener;
import io.tunestream.llm.prompt.ChatMessage;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Interactive multi-turn chat: keeps the history, {@code /reset} clears it, {@code /exit} (or end of input) quits. */
@Command(name = "chat", description = "Chat with a model interactively (/reset clears the history, /exit quits).")
final class ChatCommand implements Callable<Integer> {

    static final String RESET = "/reset";
    static final String EXIT = "/exit";

    @Option(names = "--model", required = true, description = "Hugging Face model directory (with tokenizer files)")
    Path model;

    @Option(
            names = "--template",
            defaultValue = PromptTemplates.CHATML,
            description = "built-in template when the model has none: chatml, alpaca, instruct (default chatml)")
    String template;

    @Option(names = "--system", description = "system message at the start of every conversation")
    String system;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        try (LoadedModel loaded = LoadedModel.open(model);
                GenerationScheduler scheduler = loaded.scheduler(1)) {
            Tokenizer tokenizer = loaded.requireTokenizer("chat");
            PromptTemplate prompts = PromptTemplates.forTokenizer(tokenizer, template);
            List<ChatMessage> history = new ArrayList<>();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            out.println(
                    "Chatting with " + model.getFileName() + ". " + RESET + " clears the history, " + EXIT + " quits.");
            while (true) {
                out.print(">>> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals(EXIT)) {
                    break;
                }
                if (line.strip().equals(RESET)) {
                    history.clear();
                    out.println("(history cleared)");
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                List<ChatMessage> conversation = new ArrayList<>();
                if (system != null) {
                    conversation.add(ChatMessage.system(system));
                }
                conversation.addAll(history);
                conversation.add(ChatMessage.user(line));
                int[] promptIds = tokenizer.encode(prompts.render(conversation, true), false);
                GenerationResult result =
                        scheduler.generate(new GenerationRequest(promptIds, sampling.toParams(1), new TokenListener() {
                            @Override
                            public void onToken(int sample, int token, String delta) {
                                out.print(delta);
                                out.flush();
                            }

                            @Override
                            public void onFinish(int sample, String remainder, FinishReason reason) {
                                out.print(remainder);
                                out.flush();
                            }
                        }));
                out.println();
                history.add(ChatMessage.user(line));
                history.add(ChatMessage.assistant(result.first().text()));
            }
        }
        return 0;
    }
}
