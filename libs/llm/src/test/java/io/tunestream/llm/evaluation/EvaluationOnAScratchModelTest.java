package io.tunestream.llm.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.SchedulerSettings;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationOnAScratchModelTest {

    private static final int EVAL_PER_FAMILY = 4;

    @TempDir
    static Path dir;

    private static List<EvalItem> items;
    private static LlamaModel model;
    private static Tokenizer tokenizer;
    private static PromptTemplate template;

    @BeforeAll
    static void createModel() throws IOException {
        SyntheticCorpus.write(
                dir.resolve("corpus"), new CorpusSpec(5, 30, EVAL_PER_FAMILY, 2, EnumSet.allOf(TaskFamily.class)));
        ScratchModel.create(
                dir.resolve("model"),
                dir.resolve("corpus").resolve(SyntheticCorpus.PRETRAIN_FILE),
                new ScratchModelSpec(3, 320, 32, 1, 2, 1, 64, 256));
        items = EvalItems.read(dir.resolve("corpus").resolve(SyntheticCorpus.EVAL_FILE));
        model = LlamaModel.load(dir.resolve("model"));
        tokenizer = Tokenizer.load(dir.resolve("model"));
        template = PromptTemplates.named(PromptTemplates.CHATML);
    }

    @AfterAll
    static void close() {
        model.close();
        tokenizer.close();
    }

    private static GenerationScheduler scheduler(int batch, int queue) {
        Set<Integer> eos = Arrays.stream(tokenizer.eosTokenIds()).boxed().collect(Collectors.toSet());
        return new GenerationScheduler(
                model, ids -> tokenizer.decode(ids, true), eos, new SchedulerSettings(batch, queue));
    }

    @Test
    void readsTheCorpusEvalFileWithItsFamilies() {
        assertThat(items).hasSize(EVAL_PER_FAMILY * TaskFamily.values().length);
        assertThat(items.get(0).family()).isEqualTo(TaskFamily.SORT_DIGITS);
        assertThat(items.get(1).family()).isEqualTo(TaskFamily.ADDITION);
        assertThat(items).allSatisfy(item -> assertThat(item.answerPattern()).isNull());
    }

    @Test
    void greedyEvaluationThroughASmallQueueScoresEveryItem() {
        // A queue of 3 for 20 items: the evaluator must wait for its earlier requests to get the rest in.
        try (GenerationScheduler scheduler = scheduler(4, 3)) {
            EvalReport report = ExactMatchEvaluator.greedy(scheduler, tokenizer, template, 6)
                    .evaluate(items);

            assertThat(report.overall().total()).isEqualTo(items.size());
            assertThat(report.byFamily()).hasSize(TaskFamily.values().length);
            report.byFamily()
                    .values()
                    .forEach(score -> assertThat(score.total()).isEqualTo(EVAL_PER_FAMILY));
            assertThat(report.items()).extracting(ItemResult::item).containsExactlyElementsOf(items);
            assertThat(report.items())
                    .allSatisfy(result -> assertThat(result.completions()).hasSize(1));
            System.out.println("untrained scratch model, greedy:\n" + report.toTable());
        }
    }

    @Test
    void selfConsistencySamplesNAnswersPerItem() {
        try (GenerationScheduler scheduler = scheduler(6, 16)) {
            ExactMatchEvaluator evaluator = new ExactMatchEvaluator(
                    scheduler,
                    tokenizer,
                    template,
                    SamplingParams.sampled(4, 1.0, 1.0, 9).withN(3));
            EvalReport report = evaluator.evaluate(items.subList(0, 5));

            assertThat(report.items())
                    .hasSize(5)
                    .allSatisfy(result -> assertThat(result.completions()).hasSize(3));
            assertThat(report.overall().total()).isEqualTo(5);
        }
        try (GenerationScheduler scheduler = scheduler(6, 16)) {
            assertThatThrownBy(() -> new ExactMatchEvaluator(
                            scheduler,
                            tokenizer,
                            template,
                            SamplingParams.greedy(4).withN(3)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("temperature > 0");
        }
    }

    @Test
    void malformedEvalLinesAreReportedWithFileAndLine() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(
                file,
                "{\"instruction\": \"q\", \"output\": \"a\", \"family\": \"ADDITION\"}\n\n"
                        + "{\"instruction\": \"q\", \"output\": \"a\", \"family\": \"POETRY\"}\n");
        assertThatThrownBy(() -> EvalItems.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.jsonl:3")
                .hasMessageContaining("POETRY")
                .hasMessageContaining("ADDITION");
        Files.writeString(
                file,
                "{\"instruction\": \"q\", \"output\": \"C\", \"family\": \"MULTIPLE_CHOICE_LOGIC\","
                        + " \"answer_pattern\": \"答案是[:：]\\\\s*([A-D])\"}\n{\"instruction\": \"q\", \"output\": \"a\"}\n");
        assertThatThrownBy(() -> EvalItems.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.jsonl:2")
                .hasMessageContaining("\"family\"");
        Files.writeString(
                file,
                "{\"instruction\": \"q\", \"output\": \"C\", \"family\": \"MULTIPLE_CHOICE_LOGIC\","
                        + " \"answer_pattern\": \"答案是[:：]\\\\s*([A-D])\"}\n");
        assertThat(EvalItems.read(file).get(0).answerPattern().extract("答案是：C")).isEqualTo("C");
    }
}
