package io.tunestream.llm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.llm.ReferenceFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's output contracts, run in-process on the reference checkpoints (which have no tokenizer files). */
class LlmCommandTest {

    /** Refuses anything after the first JSON value, so "exactly one object" is checked. */
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @TempDir
    Path temporary;

    record Run(int exitCode, String out, String err) {}

    static Run run(String stdin, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        InputStream originalIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            var commandLine = LlmCommand.commandLine();
            commandLine.setErr(new java.io.PrintWriter(System.err, true));
            int exitCode = commandLine.execute(args);
            return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            System.setIn(originalIn);
        }
    }

    static Path fixture(String name) {
        return ReferenceFixtures.directory(name);
    }

    private static JsonNode referenceCase(String fixture, int index) throws Exception {
        return JSON.readTree(fixture(fixture).resolve("expected.json").toFile())
                .get("cases")
                .get(index);
    }

    @Test
    void logitsPrintsOneRowOfVocabularySizeFloatsPerPosition() throws Exception {
        JsonNode expected = referenceCase("qwen2-gqa-sharded-f32", 1);
        String ids = expected.get("ids").toString().replaceAll("[\\[\\]]", "").replace(",", " ");
        Run run = run("", "logits", "--model", fixture("qwen2-gqa-sharded-f32").toString(), "--ids", ids);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().count()).as("exactly one JSON object").isEqualTo(1);
        JsonNode logits = JSON.readTree(run.out()).get("logits");
        assertThat(logits.size()).isEqualTo(expected.get("ids").size());
        for (int t = 0; t < logits.size(); t++) {
            assertThat(logits.get(t).size()).isEqualTo(120);
            for (int v = 0; v < 120; v++) {
                assertThat(logits.get(t).get(v).asDouble())
                        .isCloseTo(
                                expected.get("logits").get(t).get(v).asDouble(),
                                org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    @Test
    void generatePrintsPromptIdsFollowedByTheGreedyContinuation() throws Exception {
        JsonNode expected = referenceCase("llama-mha-untied-headdim-bf16", 1);
        Run run = run(
                "",
                "generate",
                "--model",
                fixture("llama-mha-untied-headdim-bf16").toString(),
                "--ids",
                "1 5 9 13 2 7",
                "--max-new-tokens",
                "8",
                "--temperature",
                "0");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode output = JSON.readTree(run.out());
        StringBuilder want = new StringBuilder("[1,5,9,13,2,7");
        expected.get("greedy").forEach(id -> want.append(',').append(id.asInt()));
        assertThat(output.get("ids").toString()).isEqualTo(want.append(']').toString());
        assertThat(output.get("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void generateIncludesTheStopTokenThatEndedItAsHuggingFaceDoes() throws Exception {
        JsonNode expected = referenceCase("qwen2-gqa-sharded-f32", 2);
        String prompt =
                expected.get("ids").toString().replaceAll("[\\[\\]]", "").replace(",", " ");
        int stop = expected.get("greedy").get(3).asInt();
        Run run = run(
                "",
                "generate",
                "--model",
                fixture("qwen2-gqa-sharded-f32").toString(),
                "--ids",
                prompt,
                "--max-new-tokens",
                "8",
                "--temperature",
                "0",
                "--stop-id",
                String.valueOf(stop));
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode output = JSON.readTree(run.out());
        List<Integer> want = new ArrayList<>();
        expected.get("ids").forEach(id -> want.add(id.asInt()));
        for (JsonNode id : expected.get("greedy")) {
            want.add(id.asInt());
            if (id.asInt() == stop) {
                break;
            }
        }
        List<Integer> got = new ArrayList<>();
        output.get("ids").forEach(id -> got.add(id.asInt()));
        assertThat(got).containsExactlyElementsOf(want);
        assertThat(output.get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void inspectReportsArchitectureParametersAndDtype() throws Exception {
        Run run = run(
                "",
                "inspect",
                "--model",
                fixture("llama-mha-untied-headdim-bf16").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode info = JSON.readTree(run.out());
        assertThat(info.get("architecture").asText()).isEqualTo("LlamaForCausalLM");
        assertThat(info.get("dtype").asText()).isEqualTo("BF16");
        assertThat(info.get("head_dim").asInt()).isEqualTo(16);
        // embed 96x32 + lm_head 96x32 + 3 layers x (q,k,v,o 4x(64x32) + mlp 3x(64x32) + 2 norms 32) + norm 32
        long expectedParameters = 2 * 96 * 32 + 3 * (4 * 64 * 32 + 3 * 64 * 32 + 2 * 32) + 32;
        assertThat(info.get("parameters").asLong()).isEqualTo(expectedParameters);
        assertThat(info.get("tokenizer").get("present").asBoolean()).isFalse();
    }

    @Test
    void convertToBf16AndBackKeepsTheModelRunnable() throws Exception {
        Path bf16 = temporary.resolve("bf16");
        Run toBf16 = run(
                "",
                "convert",
                "--model",
                fixture("llama-gqa-tied-f32").toString(),
                "--output",
                bf16.toString(),
                "--dtype",
                "bf16");
        assertThat(toBf16.exitCode()).as(toBf16.err()).isZero();
        assertThat(JSON.readTree(run("", "inspect", "--model", bf16.toString()).out())
                        .get("dtype")
                        .asText())
                .isEqualTo("BF16");
        assertThat(JSON.readTree(bf16.resolve("config.json").toFile())
                        .get("torch_dtype")
                        .asText())
                .isEqualTo("bfloat16");
        JsonNode expected = referenceCase("llama-gqa-tied-f32-as-bf16", 1);
        Run logits = run("", "logits", "--model", bf16.toString(), "--ids", "1 5 9 13 2 7");
        JsonNode rows = JSON.readTree(logits.out()).get("logits");
        for (int v = 0; v < 101; v++) {
            assertThat(rows.get(5).get(v).asDouble())
                    .isCloseTo(
                            expected.get("logits").get(5).get(v).asDouble(), org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void errorsAreReportedOnStderrWithANonZeroExit() {
        Run run = run("", "logits", "--model", fixture("llama-gqa-tied-f32").toString(), "--ids", "1 x 3");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("\"x\" (position 2) is not an integer token id");
        Run outside = run("", "logits", "--model", fixture("llama-gqa-tied-f32").toString(), "--ids", "1 500");
        assertThat(outside.exitCode()).isNotZero();
        assertThat(outside.err()).contains("token id 500 is outside the vocabulary [0, 101)");
        assertThat(outside.out()).isEmpty();
        Run noTokenizer =
                run("", "generate", "--model", fixture("llama-gqa-tied-f32").toString(), "--prompt", "hi");
        assertThat(noTokenizer.exitCode()).isNotZero();
        assertThat(noTokenizer.err()).contains("needs tokenizer.json");
    }

    @Test
    void initMakesAModelWithATokenizerThatTokenizesGeneratesAndChats() throws Exception {
        Path tasks = temporary.resolve("tasks");
        Run makeTasks = run(
                "",
                "make-tasks",
                "--output",
                tasks.toString(),
                "--train-per-family",
                "40",
                "--eval-per-family",
                "5",
                "--seed",
                "3");
        assertThat(makeTasks.exitCode()).as(makeTasks.err()).isZero();
        Path model = temporary.resolve("scratch");
        Run init = run(
                "",
                "init",
                "--output",
                model.toString(),
                "--corpus",
                tasks.resolve("pretrain.jsonl").toString(),
                "--vocab-size",
                "300",
                "--hidden-size",
                "32",
                "--layers",
                "1",
                "--heads",
                "2",
                "--kv-heads",
                "1",
                "--intermediate-size",
                "64",
                "--max-positions",
                "128");
        assertThat(init.exitCode()).as(init.err()).isZero();

        JsonNode info =
                JSON.readTree(run("", "inspect", "--model", model.toString()).out());
        assertThat(info.get("tokenizer").get("vocab_size").asInt())
                .isEqualTo(info.get("vocab_size").asInt());
        assertThat(info.get("tokenizer").get("chat_template").asBoolean()).isTrue();

        JsonNode tokens = JSON.readTree(run("", "tokenize", "--model", model.toString(), "--text", "What is 2 + 2?")
                .out());
        String ids = tokens.get("ids").toString().replaceAll("[\\[\\]]", "").replace(",", " ");
        JsonNode decoded = JSON.readTree(run("", "tokenize", "--model", model.toString(), "--decode", ids)
                .out());
        assertThat(decoded.get("text").asText()).isEqualTo("What is 2 + 2?");

        JsonNode generated = JSON.readTree(run(
                        "",
                        "generate",
                        "--model",
                        model.toString(),
                        "--prompt",
                        "What is",
                        "--chat",
                        "--max-new-tokens",
                        "5",
                        "--seed",
                        "7",
                        "--temperature",
                        "1.0")
                .out());
        assertThat(generated.get("text").isTextual()).isTrue();
        assertThat(generated.get("completion_tokens").asInt()).isBetween(0, 5);

        Run chat = run(
                "What is 1 + 1?\n/reset\nReverse the word: cat\n/exit\nnever read\n",
                "chat",
                "--model",
                model.toString(),
                "--max-new-tokens",
                "4",
                "--seed",
                "1");
        assertThat(chat.exitCode()).as(chat.err()).isZero();
        assertThat(chat.out()).contains("(history cleared)");
        assertThat(chat.out().split(">>> ", -1))
                .as("a prompt per input line up to /exit")
                .hasSize(5);
    }

    @Test
    void trainingCommandsWriteTheirRunDirectories() throws Exception {
        Path tasks = temporary.resolve("tasks");
        assertThat(run(
                                "",
                                "make-tasks",
                                "--output",
                                tasks.toString(),
                                "--train-per-family",
                                "30",
                                "--eval-per-family",
                                "2",
                                "--difficulty",
                                "1")
                        .exitCode())
                .isZero();
        Path pretrained = temporary.resolve("pt");
        Run pretrain = run(
                "",
                "pretrain",
                "--preset",
                "tiny",
                "--vocab-size",
                "300",
                "--data",
                tasks.resolve("pretrain.jsonl").toString(),
                "--out",
                pretrained.toString(),
                "--max-steps",
                "3",
                "--batch-size",
                "2",
                "--block-size",
                "32",
                "--checkpoint-every",
                "3");
        assertThat(pretrain.exitCode()).as(pretrain.err()).isZero();
        Path model = pretrained.resolve("model");
        assertThat(model.resolve("model.safetensors")).exists();
        assertThat(model.resolve("tokenizer.json")).exists();
        assertThat(pretrained.resolve("metrics.jsonl")).content().hasLineCount(3);
        assertThat(pretrained.resolve("run.json")).exists();
        assertThat(pretrained.resolve("checkpoints").resolve("step-3").resolve("trainable.safetensors"))
                .exists();
        assertThat(pretrain.err()).contains("3/3 loss");

        Path sft = temporary.resolve("sft");
        Run lora = run(
                "",
                "sft",
                "--model",
                model.toString(),
                "--data",
                tasks.resolve("sft.jsonl").toString(),
                "--out",
                sft.toString(),
                "--max-steps",
                "2",
                "--batch-size",
                "2",
                "--lora-r",
                "4",
                "--lora-alpha",
                "8",
                "--max-length",
                "48",
                "--quantize",
                "int8");
        assertThat(lora.exitCode()).as(lora.err()).isZero();
        JsonNode adapterConfig = JSON.readTree(
                sft.resolve("adapter").resolve("adapter_config.json").toFile());
        assertThat(adapterConfig.get("r").asInt()).isEqualTo(4);
        assertThat(adapterConfig.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(sft.resolve("adapter").resolve("adapter_model.safetensors")).exists();
        assertThat(JSON.readTree(sft.resolve("run.json").toFile())
                        .get("base_quantization")
                        .asText())
                .isEqualTo("int8");

        Path merged = temporary.resolve("merged");
        Run merge = run(
                "",
                "merge-lora",
                "--base",
                model.toString(),
                "--adapter",
                sft.resolve("adapter").toString(),
                "--out",
                merged.toString());
        assertThat(merge.exitCode()).as(merge.err()).isZero();
        assertThat(JSON.readTree(
                                run("", "inspect", "--model", merged.toString()).out())
                        .get("parameters")
                        .asLong())
                .isEqualTo(JSON.readTree(
                                run("", "inspect", "--model", model.toString()).out())
                        .get("parameters")
                        .asLong());

        java.nio.file.Files.writeString(
                temporary.resolve("pairs.jsonl"),
                "{\"prompt\": \"What is 1 + 1?\", \"chosen\": \"2\", \"rejected\": \"3\"}\n"
                        + "{\"prompt\": \"Reverse the word: cat\", \"chosen\": \"tac\", \"rejected\": \"cat\"}\n");
        Run dpo = run(
                "",
                "dpo",
                "--model",
                merged.toString(),
                "--data",
                temporary.resolve("pairs.jsonl").toString(),
                "--out",
                temporary.resolve("dpo").toString(),
                "--max-steps",
                "2",
                "--batch-size",
                "2",
                "--full");
        assertThat(dpo.exitCode()).as(dpo.err()).isZero();
        JsonNode firstStep = JSON.readTree(
                java.nio.file.Files.readAllLines(temporary.resolve("dpo").resolve("metrics.jsonl"))
                        .get(0));
        assertThat(firstStep.get("loss").asDouble()).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(temporary.resolve("dpo").resolve("model").resolve("config.json"))
                .exists();

        // New tokens: the extended base (with its trained rows) is the adapter's base, and merges with it.
        Path extended = temporary.resolve("sft-tokens");
        Run withTokens = run(
                "",
                "sft",
                "--model",
                model.toString(),
                "--data",
                tasks.resolve("sft.jsonl").toString(),
                "--out",
                extended.toString(),
                "--max-steps",
                "2",
                "--batch-size",
                "2",
                "--lora-r",
                "4",
                "--max-length",
                "48",
                "--add-tokens",
                "<calc>,</calc>");
        assertThat(withTokens.exitCode()).as(withTokens.err()).isZero();
        int vocabulary = JSON.readTree(model.resolve("config.json").toFile())
                .get("vocab_size")
                .asInt();
        assertThat(JSON.readTree(extended.resolve("base").resolve("config.json").toFile())
                        .get("vocab_size")
                        .asInt())
                .isEqualTo(vocabulary + 2);
        assertThat(JSON.readTree(extended.resolve("adapter")
                                .resolve("adapter_config.json")
                                .toFile())
                        .get("base_model_name_or_path")
                        .asText())
                .isEqualTo(extended.resolve("base").toAbsolutePath().toString());
        Run tokenize = run("", "tokenize", "--model", extended.resolve("base").toString(), "--text", "<calc>");
        assertThat(JSON.readTree(tokenize.out()).get("ids").get(0).asInt()).isEqualTo(vocabulary);
        Run mergeExtended = run(
                "",
                "merge-lora",
                "--base",
                extended.resolve("base").toString(),
                "--adapter",
                extended.resolve("adapter").toString(),
                "--out",
                temporary.resolve("merged-tokens").toString());
        assertThat(mergeExtended.exitCode()).as(mergeExtended.err()).isZero();
        Run refused = run(
                "",
                "sft",
                "--model",
                model.toString(),
                "--data",
                tasks.resolve("sft.jsonl").toString(),
                "--out",
                temporary.resolve("refused").toString(),
                "--max-steps",
                "1",
                "--add-tokens",
                "<x>",
                "--quantize",
                "nf4");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("--add-tokens with --quantize");

        Run evaluate = run(
                "",
                "evaluate",
                "--model",
                merged.toString(),
                "--data",
                tasks.resolve("eval.jsonl").toString(),
                "--max-new-tokens",
                "4");
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        assertThat(JSON.readTree(evaluate.out()).get("total").asInt()).isEqualTo(10);
    }
}
