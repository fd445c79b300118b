package io.tunestream.llm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.llm.data.DatasetReader;
import io.tunestream.llm.data.InstructionRecord;
import io.tunestream.llm.data.ParsedRecord;
import io.tunestream.llm.evaluation.EvalItem;
import io.tunestream.llm.evaluation.EvalItems;
import io.tunestream.llm.tasks.SyntheticCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quality run in miniature: its stages, its checkpoint selection and the separation of its question sets. */
class BenchQualityCommandTest {

    @TempDir
    Path work;

    @Test
    void choosesCheckpointsOnValidationQuestionsThatAreNeitherReportedNorTrainedOn() throws Exception {
        LlmCommandTest.Run run = LlmCommandTest.run(
                "",
                "bench-quality",
                "--work",
                work.toString(),
                "--pretrain-steps",
                "3",
                "--sft-steps",
                "4",
                "--sft-eval-every",
                "2",
                "--dpo-steps",
                "4",
                "--dpo-eval-every",
                "2",
                "--dpo-prompts",
                "10",
                "--validation-per-family",
                "3");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());

        assertThat(json.get("stages").findValuesAsText("stage")).containsExactly("pretrain", "sft", "dpo");
        assertThat(steps(json.at("/sft_selection/validation_exact_match"))).containsExactly(2L, 4L);
        // The SFT model competes in the DPO round as step 0.
        assertThat(steps(json.at("/dpo_selection/validation_exact_match"))).containsExactly(0L, 2L, 4L);
        assertThat(json.at("/dpo_selection/chosen_step").asLong()).isIn(0L, 2L, 4L);
        assertThat(json.get("dpo_prompts").asInt()).isBetween(1, 10);

        List<EvalItem> validation = EvalItems.read(work.resolve(BenchQualityCommand.VALIDATION_FILE));
        assertThat(validation).hasSizeBetween(12, 15);
        assertThat(validation).extracting(EvalItem::prompt).doesNotHaveDuplicates();
        Set<String> reported = new HashSet<>();
        EvalItems.read(work.resolve("tasks").resolve(SyntheticCorpus.EVAL_FILE))
                .forEach(item -> reported.add(item.prompt()));
        Set<String> trained = new HashSet<>();
        try (DatasetReader reader = DatasetReader.open(work.resolve("tasks").resolve(SyntheticCorpus.SFT_FILE), null)) {
            for (ParsedRecord parsed : reader) {
                trained.add(((InstructionRecord) parsed.record()).instruction());
            }
        }
        assertThat(validation).allSatisfy(item -> {
            assertThat(reported).doesNotContain(item.prompt());
            assertThat(trained).doesNotContain(item.prompt());
        });
    }

    private static List<Long> steps(JsonNode curve) {
        List<Long> steps = new ArrayList<>();
        curve.forEach(point -> steps.add(point.get("step").asLong()));
        return steps;
    }
}
