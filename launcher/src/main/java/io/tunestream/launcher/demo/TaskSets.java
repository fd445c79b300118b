package io.tunestream.launcher.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.llm.data.DatasetWriter;
import io.tunestream.llm.data.InstructionRecord;
import io.tunestream.llm.evaluation.EvalItems;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.SyntheticTask;
import io.tunestream.llm.tasks.TaskGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Disjoint sets of synthetic verifiable questions for a loop run: whatever the bootstrap trained on or the corpus held
 * out is taken, and every further set (the gate's evaluation set, each feed of prompts) is drawn from what is not.
 */
public final class TaskSets {

    /** The synthetic tasks at their easiest, as the engine's bench-quality runs them. */
    public static final int DIFFICULTY = 1;

    private final Set<String> taken = new HashSet<>();

    /** Takes the corpus' SFT prompts and its held-out questions. */
    public TaskSets(Path corpus) {
        try {
            EvalItems.read(corpus.resolve(SyntheticCorpus.EVAL_FILE)).forEach(item -> taken.add(item.prompt()));
            ObjectMapper json = new ObjectMapper();
            for (String line : Files.readAllLines(corpus.resolve(SyntheticCorpus.SFT_FILE))) {
                if (!line.isBlank()) {
                    taken.add(json.readTree(line).path("instruction").asText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the corpus " + corpus, e);
        }
    }

    /** Up to {@code perFamily} new tasks per family, from a generator seeded with {@code seed}; they are taken then. */
    public List<SyntheticTask> next(long seed, int perFamily) {
        return new TaskGenerator(seed).untaken(CorpusSpec.defaults().families(), perFamily, DIFFICULTY, taken);
    }

    /** Writes tasks as Alpaca records, with a {@code family} field when {@code withFamily} (an evaluation set). */
    public static void write(Path file, List<SyntheticTask> tasks, boolean withFamily) {
        try (DatasetWriter writer = DatasetWriter.create(file)) {
            for (SyntheticTask task : tasks) {
                writer.write(
                        InstructionRecord.of(task.prompt(), task.answer()),
                        withFamily ? Map.of("family", task.family().name()) : Map.of());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
