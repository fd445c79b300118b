package io.tunestream.llm.cli;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.data.DatasetReader;
import io.tunestream.llm.data.ParsedRecord;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.quantization.QuantizationType;
import io.tunestream.llm.tokenizer.AddedTokens;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.llm.training.FineTuneSpec;
import io.tunestream.llm.training.FineTuning;
import io.tunestream.llm.training.StepMetrics;
import io.tunestream.llm.training.TrainingData;
import io.tunestream.llm.training.TrainingExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Supervised fine-tuning on instruction or conversation records, loss on the assistant's tokens only. */
@Command(name = "sft", description = "Supervised fine-tuning (LoRA by default, --full for every weight).")
final class SftCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Hugging Face model directory with tokenizer files")
    Path model;

    @Option(
            names = "--template",
            defaultValue = PromptTemplates.CHATML,
            description = "built-in template when the model has none: chatml, alpaca, instruct")
    String template;

    @Option(
            names = "--add-tokens",
            split = ",",
            paramLabel = "TOKEN",
            description = "tokens to add to the vocabulary (comma-separated); their embedding and LM-head rows train"
                    + " (with LoRA, beside the adapters: the extended base is written to OUT/base/)")
    List<String> addTokens = List.of();

    @Option(
            names = "--special-tokens",
            description = "add the --add-tokens as special tokens (matched on the raw"
                    + " text, skipped when decoding with special tokens skipped)")
    boolean specialTokens;

    @Mixin
    TrainingOptions options;

    @Mixin
    LoraOptions lora;

    @Override
    public Integer call() throws Exception {
        Inference.disableGradientsOnThisThread();
        if (!addTokens.isEmpty() && lora.quantization() != QuantizationType.NONE) {
            throw new IllegalArgumentException(
                    "--add-tokens with --quantize is not supported: the extended base written"
                            + " to OUT/base/ must hold the original weights, not their quantized copy");
        }
        Path tokenizerSource = model;
        int firstNewTokenRow = 0;
        LlamaModel loaded = LlamaModel.load(model);
        if (!addTokens.isEmpty()) {
            tokenizerSource = options.out.resolve("tokenizer");
            AddedTokens.Extension extension = AddedTokens.add(model, tokenizerSource, addTokens, specialTokens);
            System.err.println("added " + extension.added().size() + " tokens " + extension.added()
                    + (extension.added().size() < addTokens.size() ? " (the others were already known)" : ""));
            if (!extension.added().isEmpty()) {
                firstNewTokenRow = extension.firstNewId();
                int vocabSize = Math.max(loaded.config().vocabSize(), extension.sizeAfter());
                try (LlamaModel original = loaded) {
                    loaded = original.withVocabularySize(
                            vocabSize, Engine.getInstance().newBaseManager());
                }
            }
        }
        try (LlamaModel llama = loaded;
                Tokenizer tokenizer = Tokenizer.load(tokenizerSource)) {
            PromptTemplate prompts = PromptTemplates.forTokenizer(tokenizer, template);
            TrainingData data = new TrainingData(tokenizer, prompts);
            List<TrainingExample> examples = examples(data, options.data);
            if (examples.isEmpty()) {
                throw new IllegalArgumentException(
                        options.data + ": no record has an answer within --max-length " + options.maxLength);
            }
            List<TrainingExample> eval = options.evalData == null ? List.of() : examples(data, options.evalData);
            FineTuneSpec spec = options.spec(FineTuneSpec.Recipe.SFT, lora.method());
            ObjectNode run = Json.MAPPER
                    .createObjectNode()
                    .put("command", "sft")
                    .put("model", model.toString())
                    .put("data", options.data.toString())
                    .put("examples", examples.size());
            run.set("added_tokens", Json.MAPPER.valueToTree(addTokens));
            run.put("special_tokens", specialTokens);
            run.set("settings", Json.MAPPER.valueToTree(spec.settings()));
            FineTuning<TrainingExample> tuning = FineTuning.<TrainingExample>of(
                            spec, llama, tokenizer.padTokenId().orElse(0))
                    .setup(firstNewTokenRow);
            StepMetrics last = new TrainingRun(options, run)
                    .train(tuning, examples, eval, tokenizerSource, model.toString())
                    .last();
            System.out.println(Json.MAPPER.writeValueAsString(Json.MAPPER
                    .createObjectNode()
                    .put("out", options.out.toAbsolutePath().toString())
                    .put("final_loss", last.loss())));
        }
        return 0;
    }

    /** The records of {@code file} with assistant tokens within {@code --max-length}; the others are skipped. */
    private List<TrainingExample> examples(TrainingData data, Path file) throws java.io.IOException {
        List<TrainingExample> examples = new ArrayList<>();
        int nothingToLearn = 0;
        try (DatasetReader reader = DatasetReader.open(file, null)) {
            for (ParsedRecord parsed : reader) {
                TrainingExample example = data.sft(parsed.record(), options.maxLength);
                if (example.learnedTokens() == 0) {
                    nothingToLearn++;
                } else {
                    examples.add(example);
                }
            }
        }
        if (nothingToLearn > 0) {
            System.err.println(file + ": " + nothingToLearn + " records have no assistant tokens within --max-length "
                    + options.maxLength + " and are skipped");
        }
        return examples;
    }
}
