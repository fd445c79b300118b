package io.tunestream.llm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes the synthetic verifiable tasks: a plain-text corpus, an Alpaca SFT set and a held-out eval set. */
@Command(name = "make-tasks", description = "Write synthetic task datasets: pretrain.jsonl, sft.jsonl, eval.jsonl.")
final class MakeTasksCommand implements Callable<Integer> {

    @Option(names = "--output", required = true, description = "directory to write into")
    Path output;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--train-per-family", defaultValue = "2000")
    int trainPerFamily;

    @Option(names = "--eval-per-family", defaultValue = "100")
    int evalPerFamily;

    @Option(names = "--difficulty", defaultValue = "2", description = "1 (easiest) to 10")
    int difficulty;

    @Option(names = "--families", split = ",", description = "subset of ${COMPLETION-CANDIDATES} (default all)")
    List<TaskFamily> families;

    @Override
    public Integer call() throws Exception {
        Set<TaskFamily> chosen =
                families == null || families.isEmpty() ? EnumSet.allOf(TaskFamily.class) : EnumSet.copyOf(families);
        SyntheticCorpus.write(output, new CorpusSpec(seed, trainPerFamily, evalPerFamily, difficulty, chosen));
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("output", output.toAbsolutePath().toString());
        json.put("pretrain", SyntheticCorpus.PRETRAIN_FILE);
        json.put("sft", SyntheticCorpus.SFT_FILE);
        json.put("eval", SyntheticCorpus.EVAL_FILE);
        json.put("manifest", SyntheticCorpus.MANIFEST_FILE);
        System.out.println(Json.MAPPER.writeValueAsString(json));
        return 0;
    }
}
