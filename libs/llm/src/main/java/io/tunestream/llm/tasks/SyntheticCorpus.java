package io.tunestream.llm.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.data.DatasetWriter;
import io.tunestream.llm.data.InstructionRecord;
import io.tunestream.llm.data.TextRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a synthetic training corpus, so that the platform runs end to end with nothing downloaded:
 * <ul>
 *   <li>{@value #PRETRAIN_FILE}: text records, each a prompt and {@code "\nAnswer: "} and its answer;</li>
 *   <li>{@value #SFT_FILE}: the same tasks as Alpaca records (instruction = prompt, output = answer);</li>
 *   <li>{@value #EVAL_FILE}: held-out Alpaca records with an extra {@code "family"} field; no eval prompt occurs in
 *   training and none twice;</li>
 *   <li>{@value #MANIFEST_FILE}: the spec, and per family the counts and an example.</li>
 * </ul>
 * Families are interleaved (one task of each in turn), so any prefix of a file is balanced. The same spec writes
 * byte-identical files.
 */
public final class SyntheticCorpus {

    public static final String PRETRAIN_FILE = "pretrain.jsonl";
    public static final String SFT_FILE = "sft.jsonl";
    public static final String EVAL_FILE = "eval.jsonl";
    public static final String MANIFEST_FILE = "tasks.json";

    /** Evaluation tasks come from indexes far above the training ones, so the two never draw the same task. */
    private static final long EVAL_FIRST_INDEX = 1L << 40;
    /** How many generated tasks may be skipped as duplicates per task wanted, before the prompt space counts as full. */
    private static final int ATTEMPTS_PER_TASK = 20;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SyntheticCorpus() {}

    /**
     * Generates the corpus into {@code dir}, creating it if needed and replacing the four files.
     *
     * @throws IllegalArgumentException if a family has too few distinct prompts at this difficulty for the held-out
     *     set (e.g. one-digit addition has only 100)
     */
    public static void write(Path dir, CorpusSpec spec) throws IOException {
        TaskGenerator generator = new TaskGenerator(spec.seed());
        Map<TaskFamily, List<SyntheticTask>> eval = new EnumMap<>(TaskFamily.class);
        Map<TaskFamily, List<SyntheticTask>> train = new EnumMap<>(TaskFamily.class);
        for (TaskFamily family : spec.families()) {
            Set<String> evalPrompts = new LinkedHashSet<>();
            eval.put(
                    family,
                    generateAvoiding(
                            generator, family, spec, EVAL_FIRST_INDEX, spec.evalPerFamily(), evalPrompts, true));
            train.put(family, generateAvoiding(generator, family, spec, 0, spec.trainPerFamily(), evalPrompts, false));
        }

        Files.createDirectories(dir);
        try (DatasetWriter pretrain = DatasetWriter.create(dir.resolve(PRETRAIN_FILE));
                DatasetWriter sft = DatasetWriter.create(dir.resolve(SFT_FILE))) {
            for (SyntheticTask task : interleaved(train)) {
                pretrain.write(new TextRecord(task.prompt() + "\nAnswer: " + task.answer()));
                sft.write(InstructionRecord.of(task.prompt(), task.answer()));
            }
        }
        try (DatasetWriter evalWriter = DatasetWriter.create(dir.resolve(EVAL_FILE))) {
            for (SyntheticTask task : interleaved(eval)) {
                evalWriter.write(
                        InstructionRecord.of(task.prompt(), task.answer()),
                        Map.of("family", task.family().name()));
            }
        }
        Files.writeString(dir.resolve(MANIFEST_FILE), manifest(spec, train, eval), StandardCharsets.UTF_8);
    }

    /**
     * Tasks from {@code firstIndex} on whose prompts are not in {@code seen}.
     *
     * @param distinct also skip prompts generated here before, adding each to {@code seen}
     */
    private static List<SyntheticTask> generateAvoiding(
            TaskGenerator generator,
            TaskFamily family,
            CorpusSpec spec,
            long firstIndex,
            int count,
            Set<String> seen,
            boolean distinct) {
        List<SyntheticTask> tasks = new ArrayList<>(count);
        long attemptsLeft = (long) ATTEMPTS_PER_TASK * count + 1000;
        for (long index = firstIndex; tasks.size() < count; index++) {
            if (attemptsLeft-- == 0) {
                throw new IllegalArgumentException(family + " at difficulty " + spec.difficulty() + " has too few"
                        + " distinct prompts for " + spec.evalPerFamily() + " held-out and " + spec.trainPerFamily()
                        + " training tasks; raise the difficulty or lower evalPerFamily");
            }
            SyntheticTask task = generator.task(family, index, spec.difficulty());
            if (seen.contains(task.prompt())) {
                continue;
            }
            if (distinct) {
                seen.add(task.prompt());
            }
            tasks.add(task);
        }
        return tasks;
    }

    private static List<SyntheticTask> interleaved(Map<TaskFamily, List<SyntheticTask>> byFamily) {
        List<SyntheticTask> all = new ArrayList<>();
        int longest = byFamily.values().stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (List<SyntheticTask> tasks : byFamily.values()) {
                if (i < tasks.size()) {
                    all.add(tasks.get(i));
                }
            }
        }
        return all;
    }

    private static String manifest(
            CorpusSpec spec, Map<TaskFamily, List<SyntheticTask>> train, Map<TaskFamily, List<SyntheticTask>> eval)
            throws IOException {
        ObjectNode manifest = MAPPER.createObjectNode()
                .put("seed", spec.seed())
                .put("difficulty", spec.difficulty())
                .put("trainPerFamily", spec.trainPerFamily())
                .put("evalPerFamily", spec.evalPerFamily());
        manifest.putObject("files")
                .put("pretrain", PRETRAIN_FILE)
                .put("sft", SFT_FILE)
                .put("eval", EVAL_FILE);
        ArrayNode families = manifest.putArray("families");
        for (TaskFamily family : spec.families()) {
            SyntheticTask example = train.get(family).get(0);
            ObjectNode entry = families.addObject()
                    .put("family", family.name())
                    .put("train", train.get(family).size())
                    .put("eval", eval.get(family).size());
            entry.putObject("example").put("prompt", example.prompt()).put("answer", example.answer());
        }
        return MAPPER.writeValueAsString(manifest) + "\n";
    }
}
