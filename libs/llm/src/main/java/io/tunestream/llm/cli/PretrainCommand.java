package io.tunestream.llm.cli;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.data.DatasetReader;
import io.tunestream.llm.data.ParsedRecord;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaConfig;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.model.ModelPresets;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tokenizer.BpeTrainer;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.llm.training.FineTuneSpec;
import io.tunestream.llm.training.FineTuning;
import io.tunestream.llm.training.StepMetrics;
import io.tunestream.llm.training.TrainingData;
import io.tunestream.llm.training.TrainingExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Continued pretraining of a model, or pretraining from scratch with a preset: a BPE tokenizer is trained on the
 * corpus and a new model initialised, so the platform starts with nothing downloaded.
 */
@Command(name = "pretrain", description = "Causal-LM training on text: a preset from scratch, or --model to continue.")
final class PretrainCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Start start;

    static final class Start {
        @Option(names = "--preset", description = "new model: tiny (about 1M parameters) or small (about 10M)")
        String preset;

        @Option(names = "--model", description = "Hugging Face model directory to continue from")
        Path model;
    }

    @Option(names = "--vocab-size", description = "BPE vocabulary for a preset (default 1024 tiny, 4096 small)")
    Integer vocabSize;

    @Option(
            names = "--individual-digits",
            description = "with a preset: the new tokenizer splits every digit into a token of its own (as Llama's and"
                    + " Qwen's do), so numbers read the same wherever they stand")
    boolean individualDigits;

    @Option(names = "--block-size", defaultValue = "128", description = "tokens per packed training block")
    int blockSize;

    @Mixin
    TrainingOptions options;

    @Override
    public Integer call() throws Exception {
        Inference.disableGradientsOnThisThread();
        PromptTemplate chatml = PromptTemplates.named(PromptTemplates.CHATML);
        List<String> texts = texts(options.data, chatml);
        Path modelOut = options.out.resolve("model");
        Path tokenizerSource;
        LlamaModel model;
        if (start.preset != null) {
            int vocab = vocabSize != null ? vocabSize : start.preset.equals(ModelPresets.SMALL) ? 4096 : 1024;
            LlamaConfig shape = ModelPresets.named(start.preset, vocab);
            BpeTrainer.builder()
                    .vocabSize(vocab)
                    .modelMaxLength(shape.maxPositionEmbeddings())
                    .individualDigits(individualDigits)
                    .build()
                    .train(texts)
                    .write(modelOut);
            tokenizerSource = modelOut;
            try (Tokenizer tokenizer = Tokenizer.load(modelOut)) {
                LlamaConfig config = ModelPresets.named(start.preset, tokenizer.vocabSize())
                        .withSpecialTokens(
                                tokenizer.bosTokenId().isPresent()
                                        ? tokenizer.bosTokenId().getAsInt()
                                        : null,
                                Arrays.stream(tokenizer.eosTokenIds()).boxed().toList());
                model = LlamaModel.initialize(
                        config, options.seed, Engine.getInstance().newBaseManager());
            }
        } else {
            tokenizerSource = start.model;
            model = LlamaModel.load(start.model);
        }
        try (LlamaModel llama = model;
                Tokenizer tokenizer = Tokenizer.load(tokenizerSource)) {
            List<TrainingExample> blocks = new TrainingData(tokenizer, chatml).pretrainBlocks(texts, blockSize);
            if (blocks.isEmpty()) {
                throw new IllegalArgumentException(
                        options.data + ": the corpus holds fewer than --block-size " + blockSize + " tokens");
            }
            List<TrainingExample> evalBlocks = options.evalData == null
                    ? List.of()
                    : new TrainingData(tokenizer, chatml).pretrainBlocks(texts(options.evalData, chatml), blockSize);
            FineTuneSpec spec = options.spec(FineTuneSpec.Recipe.PRETRAIN, FineTuneSpec.Method.full());
            ObjectNode run = Json.MAPPER
                    .createObjectNode()
                    .put("command", "pretrain")
                    .put("start", start.preset != null ? "preset " + start.preset : start.model.toString())
                    .put("data", options.data.toString())
                    .put("blocks", blocks.size())
                    .put("block_size", blockSize);
            run.set("settings", Json.MAPPER.valueToTree(spec.settings()));
            FineTuning<TrainingExample> tuning = FineTuning.<TrainingExample>of(
                            spec, llama, tokenizer.padTokenId().orElse(0))
                    .setup();
            StepMetrics last = new TrainingRun(options, run)
                    .train(tuning, blocks, evalBlocks, tokenizerSource, tokenizerSource.toString())
                    .last();
            System.out.println(Json.MAPPER.writeValueAsString(Json.MAPPER
                    .createObjectNode()
                    .put("out", options.out.toAbsolutePath().toString())
                    .put("parameters", llama.parameterCount())
                    .put("final_loss", last.loss())));
        }
        return 0;
    }

    private static List<String> texts(Path file, PromptTemplate template) throws java.io.IOException {
        List<String> texts = new ArrayList<>();
        try (DatasetReader reader = DatasetReader.open(file, null)) {
            for (ParsedRecord parsed : reader) {
                texts.add(TrainingData.text(parsed.record(), template));
            }
        }
        return texts;
    }
}
