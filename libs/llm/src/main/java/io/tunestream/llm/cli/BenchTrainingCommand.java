package io.tunestream.llm.cli;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaConfig;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.model.ModelPresets;
import io.tunestream.llm.quantization.QuantizationType;
import io.tunestream.llm.training.FineTuneSpec;
import io.tunestream.llm.training.FineTuning;
import io.tunestream.llm.training.LearningRateSchedule;
import io.tunestream.llm.training.StepMetrics;
import io.tunestream.llm.training.TrainingExample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Training benchmarks on a preset ({@code small} by default) with random data: tokens/s and model FLOP/s (6 x parameters x
 * tokens plus attention) beside the fp32 matmul peak measured before, between and after the methods in the same run
 * (the highest sample is the reference; a spread over 10% is reported as a noisy run), for full and LoRA training; and the
 * peak RSS of full, LoRA, int8-base LoRA and NF4-base LoRA training, each measured in its own JVM (a process's peak
 * cannot be reset).
 */
@Command(name = "bench-train", description = "Benchmark training: tokens/s, MFU, and peak RSS per method.")
final class BenchTrainingCommand implements Callable<Integer> {

    static final List<String> METHODS = List.of("full", "lora", "lora-int8", "lora-nf4");
    private static final int VOCABULARY = 4096;
    private static final String CHILD_MAX_HEAP = "1g";

    @Option(names = "--method", description = "run one method in this JVM: full, lora, lora-int8, lora-nf4")
    String method;

    @Option(
            names = "--preset",
            defaultValue = ModelPresets.SMALL,
            description = "model shape (vocabulary 4096): tiny, small, medium (258M parameters, for memory figures)")
    String preset;

    @Option(names = "--model", description = "(internal) the checkpoint a --method run loads")
    Path modelDirectory;

    @Option(names = "--batch-size", defaultValue = "8")
    int batchSize;

    @Option(names = "--sequence-length", defaultValue = "256")
    int sequenceLength;

    @Option(names = "--steps", defaultValue = "6", description = "timed steps (after 2 warmup steps)")
    int steps;

    @Override
    public Integer call() throws Exception {
        if (method != null) {
            System.out.println(Json.MAPPER.writeValueAsString(runMethod(method)));
            return 0;
        }
        ObjectNode json = Json.MAPPER.createObjectNode();
        // The reference is measured before, between and after the methods: one sample taken at a busy moment
        // would make every MFU too high (past 100% at times), so the highest sample is used and all are reported.
        ReferencePeak peak = ReferencePeak.fp32Matmul(1024);
        peak.measure("before");
        ObjectNode machine =
                json.putObject("machine").put("cores", Runtime.getRuntime().availableProcessors());
        json.putObject("settings")
                .put("preset", preset)
                .put("vocab_size", VOCABULARY)
                .put("batch_size", batchSize)
                .put("sequence_length", sequenceLength)
                .put("tokens_per_step", batchSize * sequenceLength)
                .put("child_max_heap", CHILD_MAX_HEAP);
        // Every method loads the same checkpoint from disk, as a user's run would: a quantized base is quantized
        // projection by projection after loading, so its peak includes the F32 weights once, as PEFT's does.
        Path checkpoint = Files.createTempDirectory("tunestream-bench-train");
        try (LlamaModel initial = LlamaModel.initialize(
                ModelPresets.named(preset, VOCABULARY), 1, Engine.getInstance().newBaseManager())) {
            initial.save(checkpoint, DType.F32, null);
        }
        ArrayNode methods = json.putArray("methods");
        for (String name : METHODS) {
            // Speed and memory come from two runs: the fixed mmap threshold that keeps RSS honest turns every large
            // tensor into an mmap, munmap and fresh page faults, which cut training to a fifth of its speed.
            ObjectNode result = (ObjectNode) child(name, checkpoint, true);
            ObjectNode speed = (ObjectNode) child(name, checkpoint, false);
            for (String figure : List.of("tokens_per_s", "model_gflops", "final_loss")) {
                if (speed.has(figure)) {
                    result.set(figure, speed.get(figure));
                }
            }
            methods.add(result);
            peak.measure(methods.size() == METHODS.size() ? "after" : "after " + name);
        }
        peak.writeTo(machine, "matmul_fp32_1024");
        for (JsonNode result : methods) {
            if (result.has("model_gflops")) {
                ((ObjectNode) result)
                        .put("mfu", Math.round(result.get("model_gflops").asDouble() / peak.highest() * 1000) / 1000.0);
            }
        }
        if (peak.noisy()) {
            System.err.println("warning: " + peak.warning());
        }
        double fullRss = methods.get(0).get("peak_rss_mb").asDouble();
        for (JsonNode result : methods) {
            ((ObjectNode) result)
                    .put(
                            "peak_rss_vs_full",
                            Math.round(result.get("peak_rss_mb").asDouble() / fullRss * 1000) / 1000.0);
        }
        System.out.println(Json.PRETTY.writeValueAsString(json));
        try (Stream<Path> files = Files.walk(checkpoint)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        return 0;
    }

    /** @param measuresMemory a fixed glibc mmap threshold, for RSS figures; speed figures come from glibc's default */
    private JsonNode child(String name, Path checkpoint, boolean measuresMemory)
            throws IOException, InterruptedException {
        // A bounded heap keeps the Java side (tensors read one at a time while loading) from growing unchecked and
        // counting in the peak RSS; the weights themselves live outside the heap.
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + CHILD_MAX_HEAP,
                "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-cp",
                System.getProperty("java.class.path"),
                LlmCommand.class.getName(),
                "bench-train",
                "--method",
                name,
                "--model",
                checkpoint.toString(),
                "--batch-size",
                String.valueOf(batchSize),
                "--sequence-length",
                String.valueOf(sequenceLength),
                "--steps",
                String.valueOf(steps)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        // glibc raises its mmap threshold after large frees, after which freed tensors stay in the heap instead of
        // going back to the system; a fixed threshold keeps the RSS honest for every method alike.
        if (measuresMemory) {
            builder.environment().putIfAbsent("MALLOC_MMAP_THRESHOLD_", "1048576");
        } else {
            builder.environment().remove("MALLOC_MMAP_THRESHOLD_");
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("bench-train --method " + name + " failed");
        }
        return Json.MAPPER.readTree(output);
    }

    private ObjectNode runMethod(String name) {
        if (!METHODS.contains(name)) {
            throw new IllegalArgumentException("--method \"" + name + "\" is not one of " + METHODS);
        }
        if (modelDirectory == null) {
            throw new IllegalArgumentException("--method needs --model, the checkpoint to load");
        }
        Inference.disableGradientsOnThisThread();
        ObjectNode result = Json.MAPPER.createObjectNode().put("method", name);
        try (LlamaModel model = LlamaModel.load(modelDirectory)) {
            LlamaConfig config = model.config();
            long parameters = model.parameterCount();
            result.put("rss_after_load_mb", megabytes(BenchCommand.status("VmRSS")));
            FineTuning<TrainingExample> tuning =
                    FineTuning.<TrainingExample>of(spec(name), model, 0).setup();
            result.put("rss_after_setup_mb", megabytes(BenchCommand.status("VmRSS")));
            result.put("peak_rss_after_setup_mb", megabytes(BenchCommand.status("VmHWM")));
            Random random = new Random(3);
            List<TrainingExample> examples = new ArrayList<>();
            for (int i = 0; i < batchSize * 4; i++) {
                examples.add(TrainingExample.allTokens(
                        random.ints(sequenceLength, 0, config.vocabSize()).toArray()));
            }
            long[] timedStart = {0};
            List<StepMetrics> history = tuning.fit(
                            examples,
                            List.of(),
                            metrics -> {
                                if (metrics.step() == 2) {
                                    timedStart[0] = System.nanoTime();
                                }
                            },
                            null,
                            null)
                    .history();
            double seconds = (System.nanoTime() - timedStart[0]) / 1e9;
            double tokens = (double) steps * batchSize * sequenceLength;
            // Forward + backward: 6 FLOPs per parameter and token, plus attention's 12 x layers x T x d per token.
            double flops = tokens
                    * (6.0 * parameters
                            + 12.0 * config.numLayers() * sequenceLength * config.numHeads() * config.headDim());
            result.put("parameters", parameters);
            result.put("trainable_parameters", tuning.trainableParameters());
            result.put("tokens_per_s", Math.round(tokens / seconds * 10) / 10.0);
            result.put("model_gflops", Math.round(flops / seconds / 1e8) / 10.0);
            result.put("final_loss", history.get(history.size() - 1).loss());
        }
        result.put("peak_rss_mb", megabytes(BenchCommand.status("VmHWM")));
        return result;
    }

    /**
     * The benchmarked run: causal-LM training on random tokens (every token learned), {@code steps} timed steps after
     * 2 warmup steps at a constant learning rate of 1e-4, seed 1; LoRA r 8 / alpha 16 on every projection over an F32,
     * int8 or NF4 base, or full fine-tuning. The adapters train without dropout, as every published figure of this
     * benchmark was measured (its loop never switched dropout on), so the figures stay comparable.
     */
    private FineTuneSpec spec(String name) {
        FineTuneSpec.Method adapters = FineTuneSpec.Method.lora().withDropout(0);
        FineTuneSpec.Method trainingMethod = switch (name) {
            case "full" -> FineTuneSpec.Method.full();
            case "lora" -> adapters;
            default ->
                adapters.withBaseQuantization(QuantizationType.valueOf(
                        name.substring("lora-".length()).toUpperCase(Locale.ROOT)));
        };
        return FineTuneSpec.pretrain()
                .withMethod(trainingMethod)
                .withOptimisation(FineTuneSpec.Optimisation.defaults()
                        .withMaxSteps(steps + 2)
                        .withBatch(batchSize, 1)
                        .withLearningRate(1e-4)
                        .withWarmupSteps(0)
                        .withSchedule(LearningRateSchedule.Kind.CONSTANT, 1)
                        .withSeed(1));
    }

    private static double megabytes(long kilobytes) {
        return Math.round(kilobytes / 102.4) / 10.0;
    }
}
