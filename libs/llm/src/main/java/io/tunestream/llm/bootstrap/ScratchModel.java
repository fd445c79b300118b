package io.tunestream.llm.bootstrap;

import ai.djl.engine.Engine;
import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.data.DataRecord;
import io.tunestream.llm.data.DatasetReader;
import io.tunestream.llm.data.InstructionRecord;
import io.tunestream.llm.data.ParsedRecord;
import io.tunestream.llm.data.TextRecord;
import io.tunestream.llm.model.LlamaConfig;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tokenizer.BpeTrainer;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.llm.tokenizer.TrainedBpe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Creates a Hugging Face model directory from nothing: a byte-level BPE tokenizer trained on a corpus and a freshly
 * initialised Llama sized to it. This is the platform's default model when none is configured; training
 * (continued pretraining, SFT) then teaches it the corpus.
 */
public final class ScratchModel {

    private ScratchModel() {}

    /**
     * @param corpus a JSONL or JSON file of text records ({@code {"text": ...}}) or Alpaca records; their text trains
     *               the tokenizer
     */
    public static void create(Path output, Path corpus, ScratchModelSpec spec) {
        List<String> texts = texts(corpus);
        TrainedBpe bpe = BpeTrainer.builder()
                .vocabSize(spec.vocabSize())
                .modelMaxLength(spec.maxPositions())
                .build()
                .train(texts);
        bpe.write(output);
        try (Tokenizer tokenizer = Tokenizer.load(output)) {
            Integer bos =
                    tokenizer.bosTokenId().isPresent() ? tokenizer.bosTokenId().getAsInt() : null;
            List<Integer> eos = Arrays.stream(tokenizer.eosTokenIds()).boxed().toList();
            LlamaConfig config = LlamaConfig.small(
                            tokenizer.vocabSize(),
                            spec.hiddenSize(),
                            spec.layers(),
                            spec.heads(),
                            spec.kvHeads(),
                            spec.intermediateSize(),
                            spec.maxPositions())
                    .withSpecialTokens(bos, eos);
            try (LlamaModel model = LlamaModel.initialize(
                    config, spec.seed(), Engine.getInstance().newBaseManager())) {
                model.save(output, DType.F32, null);
            }
        }
    }

    private static List<String> texts(Path corpus) {
        List<String> texts = new ArrayList<>();
        try (DatasetReader reader = DatasetReader.open(corpus, null)) {
            for (ParsedRecord parsed : reader) {
                DataRecord record = parsed.record();
                if (record instanceof TextRecord text) {
                    texts.add(text.text());
                } else if (record instanceof InstructionRecord instruction) {
                    texts.add(PromptTemplates.named(PromptTemplates.CHATML).render(instruction.messages(), false));
                } else {
                    throw new IllegalArgumentException(corpus + ": a tokenizer corpus holds text or instruction"
                            + " records, found " + record.format().label());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the corpus " + corpus, e);
        }
        return texts;
    }
}
