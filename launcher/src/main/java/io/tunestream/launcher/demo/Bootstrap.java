package io.tunestream.launcher.demo;

import io.tunestream.llm.cli.LlmCommand;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A tiny model from scratch on the synthetic tasks, as the engine's bench-quality makes it: a byte-level BPE of 320
 * tokens with digits apart, pretraining on the corpus' plain text, then full SFT on its instructions. Cached: a second
 * run with the same recipe finds the model and skips both.
 *
 * @param seed the corpus' and the training's seed
 * @param trainPerFamily SFT samples per task family in the corpus
 * @param heldOutPerFamily held-out questions per family in the corpus' {@code eval.jsonl}
 * @param pretrainSteps pretraining optimizer steps (batch 16 of 128-token blocks)
 * @param sftSteps SFT optimizer steps (batch 16)
 */
public record Bootstrap(long seed, int trainPerFamily, int heldOutPerFamily, int pretrainSteps, int sftSteps) {

    /** The directory of this recipe under {@code cache}: the corpus in {@code tasks/}, the model in sft/model. */
    public Path directory(Path cache) {
        return cache.resolve("seed" + seed + "-tasks" + trainPerFamily + "x" + heldOutPerFamily + "-pt" + pretrainSteps
                + "-sft" + sftSteps);
    }

    public Path corpus(Path cache) {
        return directory(cache).resolve("tasks");
    }

    public Path model(Path cache) {
        return directory(cache).resolve("sft/model");
    }

    public boolean cached(Path cache) {
        return Files.exists(model(cache).resolve("config.json"));
    }

    /** The model directory, made now unless cached; the engine's output goes to {@code out}. */
    public Path ensure(Path cache, PrintStream out) {
        Path directory = directory(cache);
        Path tasks = corpus(cache);
        if (cached(cache)) {
            return model(cache);
        }
        if (!Files.exists(tasks.resolve(SyntheticCorpus.MANIFEST_FILE))) {
            try {
                SyntheticCorpus.write(
                        tasks,
                        new CorpusSpec(
                                seed,
                                trainPerFamily,
                                heldOutPerFamily,
                                TaskSets.DIFFICULTY,
                                CorpusSpec.defaults().families()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the synthetic corpus to " + tasks, e);
            }
        }
        // One engine thread: the model is tiny, and two threads on a busy 2-core machine wait for each other (see
        // DemoCommand.withOneEngineThread). Read when the engine starts, so a caller's own setting wins.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        Path pretrain = directory.resolve("pretrain");
        llm(
                out,
                "pretrain",
                List.of(
                        "--preset",
                        "tiny",
                        "--vocab-size",
                        "320",
                        "--individual-digits",
                        "--data",
                        tasks.resolve(SyntheticCorpus.PRETRAIN_FILE).toString(),
                        "--out",
                        pretrain.toString(),
                        "--max-steps",
                        Integer.toString(pretrainSteps),
                        "--batch-size",
                        "16",
                        "--learning-rate",
                        "2e-3",
                        "--block-size",
                        "128",
                        "--seed",
                        Long.toString(seed)));
        llm(
                out,
                "sft",
                List.of(
                        "--model",
                        pretrain.resolve("model").toString(),
                        "--full",
                        "--data",
                        tasks.resolve(SyntheticCorpus.SFT_FILE).toString(),
                        "--out",
                        directory.resolve("sft").toString(),
                        "--max-steps",
                        Integer.toString(sftSteps),
                        "--batch-size",
                        "16",
                        "--learning-rate",
                        "1e-3",
                        "--max-length",
                        "64",
                        "--seed",
                        Long.toString(seed)));
        return model(cache);
    }

    private static void llm(PrintStream out, String command, List<String> options) {
        out.println("  llm " + command + " " + String.join(" ", options));
        String[] args = new String[options.size() + 1];
        args[0] = command;
        for (int i = 0; i < options.size(); i++) {
            args[i + 1] = options.get(i);
        }
        // The engine prints its result as JSON on stdout; the progress goes to stderr, which stays the terminal's.
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(PrintStream.nullOutputStream()));
        int exit;
        try {
            exit = LlmCommand.commandLine().execute(args);
        } finally {
            System.setOut(stdout);
        }
        if (exit != 0) {
            throw new IllegalStateException("llm " + command + " failed with exit code " + exit);
        }
    }
}
