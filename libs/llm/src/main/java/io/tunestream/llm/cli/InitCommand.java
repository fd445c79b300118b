package io.tunestream.llm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Creates a new model directory: a BPE tokenizer trained on a corpus and a freshly initialised small Llama. */
@Command(name = "init", description = "Create a model from scratch: train a BPE tokenizer, initialise a small Llama.")
final class InitCommand implements Callable<Integer> {

    @Option(names = "--output", required = true, description = "model directory to create")
    Path output;

    @Option(names = "--corpus", description = "JSONL/JSON of {\"text\"} or Alpaca records (default: synthetic tasks)")
    Path corpus;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--vocab-size", defaultValue = "1024")
    int vocabSize;

    @Option(names = "--hidden-size", defaultValue = "128")
    int hiddenSize;

    @Option(names = "--layers", defaultValue = "4")
    int layers;

    @Option(names = "--heads", defaultValue = "4")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "2")
    int kvHeads;

    @Option(names = "--intermediate-size", defaultValue = "352")
    int intermediateSize;

    @Option(names = "--max-positions", defaultValue = "512")
    int maxPositions;

    @Override
    public Integer call() throws Exception {
        ScratchModelSpec spec = new ScratchModelSpec(
                seed, vocabSize, hiddenSize, layers, heads, kvHeads, intermediateSize, maxPositions);
        if (corpus != null) {
            ScratchModel.create(output, corpus, spec);
        } else {
            Path tasks = Files.createTempDirectory("tunestream-tasks");
            try {
                SyntheticCorpus.write(
                        tasks,
                        new CorpusSpec(seed, 2000, 100, 2, CorpusSpec.defaults().families()));
                ScratchModel.create(output, tasks.resolve(SyntheticCorpus.PRETRAIN_FILE), spec);
            } finally {
                try (var files = Files.walk(tasks)) {
                    files.sorted(Comparator.reverseOrder())
                            .forEach(path -> path.toFile().delete());
                }
            }
        }
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("output", output.toAbsolutePath().toString());
        json.put(
                "corpus",
                corpus == null
                        ? "synthetic tasks (seed " + seed + ")"
                        : corpus.toAbsolutePath().toString());
        System.out.println(Json.MAPPER.writeValueAsString(json));
        return 0;
    }
}
