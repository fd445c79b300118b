package io.tunestream.training.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.tunestream.events.EventJson;
import io.tunestream.events.GateEvaluation;
import io.tunestream.events.GateEvaluation.FamilyResult;
import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.checkpoint.Tensor;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.prompt.ChatMessage;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.platform.storage.Sha256;
import io.tunestream.training.TrainingFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a @QuarkusTest: the evaluation-set reader and the gate's counts, on a tiny real model and a small file. It loads the
 * engine's natives outside Quarkus, so the build runs it in a JVM of its own (the pom's {@code engine-unit-tests}
 * execution, which runs it whatever -Dtest says); do not name it in a -Dtest list with @QuarkusTest classes.
 */
class GateEvaluatorTest {

    private static final String SHA = "a".repeat(64);

    @TempDir
    Path directory;

    @Test
    void shouldCountCorrectAndDiscordantItemsOverallAndPerFamily() {
        EvaluationSet set = set("x", "x", "x", "y", "y", GateEvaluation.DEFAULT_FAMILY);
        //                              x      x      x      y      y      default
        boolean[] parent = {true, true, false, false, true, false};
        boolean[] candidate = {true, false, true, true, true, false};

        GateEvaluation evaluation = GateEvaluator.summarize(set, parent, candidate);

        assertThat(evaluation.dataset()).isEqualTo("tasks-eval");
        assertThat(evaluation.version()).isEqualTo(3);
        assertThat(evaluation.sha256()).isEqualTo(SHA);
        assertThat(evaluation.items()).isEqualTo(6);
        assertThat(evaluation.parentCorrect()).isEqualTo(3);
        assertThat(evaluation.candidateCorrect()).isEqualTo(4);
        assertThat(evaluation.candidateOnly()).as("items 3 and 4").isEqualTo(2);
        assertThat(evaluation.parentOnly()).as("item 2").isEqualTo(1);
        assertThat(evaluation.families())
                .containsExactlyEntriesOf(new TreeMap<>(Map.of(
                        "default", new FamilyResult(1, 0, 0),
                        "x", new FamilyResult(3, 2, 2),
                        "y", new FamilyResult(2, 2, 1))));
        assertThatThrownBy(() -> GateEvaluator.summarize(set, new boolean[2], candidate))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReadInstructionRecordsWithTheirFamilyAndNameABadLine() throws Exception {
        Path file = directory.resolve("eval.jsonl");
        Files.writeString(file, """
                {"instruction":"Add 2 and 3","input":"","output":"5","family":"ADDITION"}

                {"instruction":"Reverse","input":"abc","output":"cba"}
                """);

        EvaluationSet set = EvaluationSet.read(file, "tasks-eval", 1, SHA);

        assertThat(set.items()).hasSize(2);
        assertThat(set.items().get(0).family()).isEqualTo("ADDITION");
        assertThat(set.items().get(0).question().prompt()).containsExactly(ChatMessage.user("Add 2 and 3"));
        assertThat(set.items().get(0).question().answer()).isEqualTo("5");
        assertThat(set.items().get(1).family()).as("a record without family").isEqualTo("default");
        assertThat(set.items().get(1).question().prompt()).containsExactly(ChatMessage.user("Reverse\n\nabc"));

        Files.writeString(file, "{\"instruction\":\"Add\",\"output\":\"5\"}\n{\"instruction\":\"Add\"}\n");
        assertThatThrownBy(() -> EvaluationSet.read(file, "tasks-eval", 1, SHA))
                .hasMessage("evaluation set tasks-eval version 1 (eval.jsonl) line 2: 'output' is missing");
        Files.writeString(file, "\n");
        assertThatThrownBy(() -> EvaluationSet.read(file, "tasks-eval", 1, SHA))
                .hasMessage("evaluation set tasks-eval version 1 has no records in its eval.jsonl");
    }

    /**
     * Two different tiny models answer the same file: family {@code p} expects the parent's own answers, family
     * {@code c} the candidate's, and one item without a family expects an answer neither gives. The gate's counts must
     * be exactly what their answers imply, and the two models must disagree somewhere.
     */
    @Test
    void shouldHaveParentAndCandidateAnswerEveryItemOfAnEvaluationFile() throws Exception {
        Inference.disableGradientsOnThisThread();
        Path parentDir = directory.resolve("parent");
        Path candidateDir = directory.resolve("candidate");
        // A scratch model barely trained answers only newlines; these say something: "x"/"y" and "x"/"z" strings.
        twoTokenModel(parentDir, "x", "y");
        twoTokenModel(candidateDir, "x", "z");
        int budget = 6;
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            prompts.add("What is " + (i + 2) + " + " + (i * 3 % 7) + "?");
        }
        List<ExactMatch.Question> asked = prompts.stream()
                .map(prompt -> new ExactMatch.Question(List.of(ChatMessage.user(prompt)), "?"))
                .toList();
        List<String> parentAnswers;
        List<String> candidateAnswers;
        try (Tokenizer tokenizer = Tokenizer.load(parentDir)) {
            PromptTemplate template = PromptTemplates.forTokenizer(tokenizer, PromptTemplates.CHATML);
            try (LlamaModel model = LlamaModel.load(parentDir)) {
                parentAnswers = ExactMatch.answers(model, tokenizer, template, asked, budget);
            }
            try (LlamaModel model = LlamaModel.load(candidateDir)) {
                candidateAnswers = ExactMatch.answers(model, tokenizer, template, asked, budget);
            }
        }
        StringBuilder lines = new StringBuilder();
        List<String> references = new ArrayList<>();
        List<String> families = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            String family = i == prompts.size() - 1 ? null : i % 2 == 0 ? "p" : "c";
            String own = family == null ? null : family.equals("p") ? parentAnswers.get(i) : candidateAnswers.get(i);
            String reference = own == null || own.isBlank() ? "no model says this" : own;
            references.add(reference);
            families.add(family == null ? "default" : family);
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("instruction", prompts.get(i));
            record.put("input", "");
            record.put("output", reference);
            if (family != null) {
                record.put("family", family);
            }
            lines.append(EventJson.mapper().writeValueAsString(record)).append('\n');
        }
        Path file = directory.resolve("eval.jsonl");
        Files.writeString(file, lines, StandardCharsets.UTF_8);
        EvaluationSet set = EvaluationSet.read(file, "tasks-eval", 2, Sha256.of(file));

        GateEvaluation evaluation = GateEvaluator.evaluate(set, parentDir, candidateDir, budget);

        int parentCorrect = 0;
        int candidateCorrect = 0;
        int candidateOnly = 0;
        int parentOnly = 0;
        Map<String, int[]> perFamily = new TreeMap<>();
        for (int i = 0; i < prompts.size(); i++) {
            boolean p = ExactMatch.normalize(parentAnswers.get(i)).equals(ExactMatch.normalize(references.get(i)));
            boolean c = ExactMatch.normalize(candidateAnswers.get(i)).equals(ExactMatch.normalize(references.get(i)));
            parentCorrect += p ? 1 : 0;
            candidateCorrect += c ? 1 : 0;
            candidateOnly += c && !p ? 1 : 0;
            parentOnly += p && !c ? 1 : 0;
            int[] counts = perFamily.computeIfAbsent(families.get(i), name -> new int[3]);
            counts[0]++;
            counts[1] += c ? 1 : 0;
            counts[2] += p ? 1 : 0;
        }
        assertThat(parentAnswers).as("the two models disagree").isNotEqualTo(candidateAnswers);
        assertThat(evaluation.sha256()).isEqualTo(Sha256.of(file));
        assertThat(evaluation.items()).isEqualTo(9);
        assertThat(evaluation.parentCorrect()).isEqualTo(parentCorrect);
        assertThat(evaluation.candidateCorrect()).isEqualTo(candidateCorrect);
        assertThat(evaluation.candidateOnly()).isEqualTo(candidateOnly);
        assertThat(evaluation.parentOnly()).isEqualTo(parentOnly);
        assertThat(evaluation.candidateOnly() + evaluation.parentOnly())
                .as("discordant items")
                .isPositive();
        assertThat(evaluation.families().keySet()).containsExactly("c", "default", "p");
        perFamily.forEach((family, counts) -> assertThat(evaluation.families().get(family))
                .as(family)
                .isEqualTo(new FamilyResult(counts[0], counts[1], counts[2])));
        assertThat(evaluation.families().get("default").parentCorrect()).isZero();
    }

    /**
     * The fixture's scratch model, changed so that its next token is always {@code first} or {@code second}: the final
     * norm keeps one hidden dimension, and the output head reads only those two tokens from it, with opposite signs.
     * Which one wins depends on the prompt and the answer so far, so the answers vary from question to question.
     */
    private static void twoTokenModel(Path target, String first, String second) {
        Path source = TrainingFixture.checkpoint();
        try (LlamaModel model = LlamaModel.load(source);
                Tokenizer tokenizer = Tokenizer.load(source);
                NDManager manager = Engine.getInstance().newBaseManager()) {
            int hidden = model.config().hiddenSize();
            int dimension = 1;
            Map<String, Tensor> tensors = new LinkedHashMap<>(model.toTensors());
            float[] norm = new float[hidden];
            norm[dimension] = 1f;
            tensors.put("model.norm.weight", new Tensor(new long[] {hidden}, norm));
            String headName = model.config().tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
            Tensor head = tensors.get(headName);
            float[] weights = head.data().clone();
            for (int row = 0; row < weights.length / hidden; row++) {
                weights[row * hidden + dimension] = 0f;
            }
            weights[token(tokenizer, first) * hidden + dimension] = 10f;
            weights[token(tokenizer, second) * hidden + dimension] = -10f;
            tensors.put(headName, new Tensor(head.shape(), weights));
            try (LlamaModel changed = LlamaModel.fromTensors(model.config(), tensors, manager)) {
                changed.save(target, DType.F32, source);
            }
        }
    }

    private static int token(Tokenizer tokenizer, String text) {
        int[] ids = tokenizer.encode(text, false);
        assertThat(ids).as("'%s' is one token", text).hasSize(1);
        return ids[0];
    }

    private static EvaluationSet set(String... families) {
        List<EvaluationSet.Item> items = new ArrayList<>();
        for (int i = 0; i < families.length; i++) {
            items.add(new EvaluationSet.Item(
                    new ExactMatch.Question(List.of(ChatMessage.user("q" + i)), "a" + i), families[i]));
        }
        return new EvaluationSet("tasks-eval", 3, SHA, items);
    }
}
