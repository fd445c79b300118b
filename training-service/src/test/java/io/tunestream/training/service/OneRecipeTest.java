package io.tunestream.training.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.events.Recipe;
import io.tunestream.llm.cli.LlmCommand;
import io.tunestream.training.TrainingFixture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A recipe tested from the command line (as {@code bench-quality} and a user's {@code sft}/{@code dpo} runs) is the
 * recipe a training job runs: the same spec, through the CLI and through {@link FineTuner}, on the same data and seed,
 * trains bit-identical weights. Not a {@code @QuarkusTest}: both paths are plain calls. It loads the engine's natives
 * outside Quarkus, so the build runs it in a JVM of its own (the pom's {@code engine-unit-tests} execution), as
 * {@link GateEvaluatorTest}.
 */
class OneRecipeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void aDpoSpecThroughTheCliAndThroughAJobTrainsBitIdenticalAdapters() throws IOException {
        Path train = write("train.jsonl", TrainingFixture.jsonl(8, 0, Recipe.DPO));
        Path eval = write("eval.jsonl", TrainingFixture.jsonl(4, 100, Recipe.DPO));
        // lossType, labelSmoothing, nllWeight, beta, learningRate, steps, LoRA rank/alpha and the seed all differ from
        // the defaults, so each one has to reach the engine the same way on both paths.
        JobHyperparameters job =
                new JobHyperparameters(4, 2, 1e-3, 4, 8, 0.2, 64, 2, 7, 0, "lora", false, "sigmoid", 0.1, 0.5);
        Path service = work.resolve("service");
        FineTuner.Outcome outcome = new FineTuner()
                .run(
                        new TrainingRequest(
                                Recipe.DPO, TrainingFixture.checkpoint(), train, eval, service, job, 2, null),
                        step -> {},
                        (step, directory) -> {});

        Path cli = work.resolve("cli");
        cli(List.of(
                "dpo",
                "--model",
                TrainingFixture.checkpoint().toString(),
                "--data",
                train.toString(),
                "--eval-data",
                eval.toString(),
                "--out",
                cli.toString(),
                "--max-steps",
                "4",
                "--batch-size",
                "2",
                "--learning-rate",
                "1e-3",
                "--seed",
                "7",
                "--max-length",
                "64",
                "--max-prompt-length",
                "32",
                "--eval-every",
                "2",
                "--patience",
                "0",
                "--checkpoint-every",
                "2",
                "--beta",
                "0.2",
                "--loss-type",
                "sigmoid",
                "--label-smoothing",
                "0.1",
                "--nll-weight",
                "0.5",
                "--lora-r",
                "4",
                "--lora-alpha",
                "8"));

        assertThat(spec(cli.resolve("run.json")))
                .isEqualTo(spec(service.resolve("run").resolve("run.json")));
        assertThat(losses(cli)).isEqualTo(losses(service.resolve("run"))).hasSize(4);
        byte[] weights = Files.readAllBytes(outcome.adapter().resolve("adapter_model.safetensors"));
        assertThat(Files.readAllBytes(cli.resolve("adapter").resolve("adapter_model.safetensors")))
                .isEqualTo(weights);
        assertThat(outcome.chosenStep()).isPositive();
    }

    @Test
    void aFullSftSpecThroughTheCliAndThroughAJobTrainsBitIdenticalWeights() throws IOException {
        Path train = write("train.jsonl", TrainingFixture.jsonl(8, 0, Recipe.SFT));
        Path eval = write("eval.jsonl", TrainingFixture.jsonl(4, 100, Recipe.SFT));
        JobHyperparameters job =
                new JobHyperparameters(3, 2, 5e-4, 8, 16, 0.1, 64, 3, 11, 0, "full", false, "sigmoid", 0, 0);
        Path service = work.resolve("service");
        FineTuner.Outcome outcome = new FineTuner()
                .run(
                        new TrainingRequest(
                                Recipe.SFT, TrainingFixture.checkpoint(), train, eval, service, job, 0, null),
                        step -> {},
                        (step, directory) -> {});

        Path cli = work.resolve("cli");
        cli(List.of(
                "sft",
                "--model",
                TrainingFixture.checkpoint().toString(),
                "--data",
                train.toString(),
                "--eval-data",
                eval.toString(),
                "--out",
                cli.toString(),
                "--full",
                "--max-steps",
                "3",
                "--batch-size",
                "2",
                "--learning-rate",
                "5e-4",
                "--seed",
                "11",
                "--max-length",
                "64",
                "--eval-every",
                "3",
                "--patience",
                "0",
                "--checkpoint-every",
                "0"));

        assertThat(spec(cli.resolve("run.json")))
                .isEqualTo(spec(service.resolve("run").resolve("run.json")));
        assertThat(losses(cli)).isEqualTo(losses(service.resolve("run"))).hasSize(3);
        assertThat(outcome.adapter()).isNull();
        assertThat(Files.readAllBytes(cli.resolve("model").resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(outcome.merged().resolve("model.safetensors")));
    }

    private static void cli(List<String> args) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = LlmCommand.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args.toArray(String[]::new));
        assertThat(exitCode).as(err.toString()).isZero();
    }

    private static JsonNode spec(Path runJson) throws IOException {
        return JSON.readTree(runJson.toFile()).get("spec");
    }

    private static List<Double> losses(Path runDirectory) throws IOException {
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(runDirectory.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
            losses.add(JSON.readTree(line).get("loss").asDouble());
        }
        return losses;
    }

    private Path write(String name, byte[] content) throws IOException {
        Path directory = Files.createDirectories(work.resolve("data"));
        return Files.write(directory.resolve(name), content);
    }
}
