package io.tunestream.llm.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.SchedulerSettings;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaConfig;
import io.tunestream.llm.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Engine benchmarks, printed as JSON beside the machine's own reference figure (the fp32 matmul peak measured in
 * the same run): prefill throughput and achieved GFLOP/s, decode tokens/s at several batch sizes with and without the
 * KV cache, peak RSS; and, with {@code --leak-requests}, resident memory over many generation requests.
 */
@Command(name = "bench", description = "Benchmark prefill and decode; or memory over many requests (--leak-requests).")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--batches", split = ",", defaultValue = "1,8,32", description = "decode batch sizes")
    List<Integer> batches;

    @Option(names = "--prompt-tokens", defaultValue = "64", description = "prompt length for decode runs")
    int promptTokens;

    @Option(names = "--new-tokens", defaultValue = "64", description = "tokens generated per sequence in decode runs")
    int newTokens;

    @Option(
            names = "--uncached-steps",
            defaultValue = "16",
            description = "at batch > 1, tokens generated per sequence without the cache (the first ones, where"
                    + " recomputing is cheapest, so an upper bound); batch 1 generates all --new-tokens")
    int uncachedSteps;

    @Option(names = "--prefill-batch", defaultValue = "4")
    int prefillBatch;

    @Option(names = "--prefill-tokens", defaultValue = "512")
    int prefillTokens;

    @Option(
            names = "--peer",
            description = "the figures llama.cpp's llama-bench and llama-batched-bench print, for the same shapes:"
                    + " prefill of one 512-token sequence (pp512), decode at batch 1, 8 and 32 after 64-token prompts"
                    + " (64 new tokens each, aggregate tokens/s); no uncached runs; a table after the JSON")
    boolean peer;

    @Option(
            names = "--leak-requests",
            defaultValue = "0",
            description = "instead: send this many generation requests and report resident memory as they go")
    int leakRequests;

    /** Two random-weight models; the second has hidden size 512 as the issue asks. Weights do not change speed. */
    static final List<NamedConfig> MODELS = List.of(
            new NamedConfig("small-d256", LlamaConfig.small(4096, 256, 4, 4, 4, 704, 2048)),
            new NamedConfig("medium-d512", LlamaConfig.small(8192, 512, 8, 8, 4, 1408, 2048)));

    record NamedConfig(String name, LlamaConfig config) {}

    @Override
    public Integer call() throws Exception {
        Inference.disableGradientsOnThisThread();
        if (peer) {
            // llama-bench's pp512 is one sequence; llama-batched-bench -npp 64 -ntg 64 -npl 1,8,32 the decode rows.
            prefillBatch = 1;
            prefillTokens = 512;
            promptTokens = 64;
            newTokens = 64;
            batches = List.of(1, 8, 32);
        }
        ObjectNode json = Json.MAPPER.createObjectNode();
        ObjectNode machine = json.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("torch_threads", JniUtils.getNumThreads());
        ObjectNode settings = json.putObject("settings");
        settings.put("prompt_tokens", promptTokens);
        settings.put("new_tokens_cached", newTokens);
        settings.put("new_tokens_uncached_batch1", newTokens);
        settings.put("new_tokens_uncached_larger_batches", Math.min(uncachedSteps, newTokens));
        if (leakRequests > 0) {
            json.set("memory", memoryOverRequests());
            System.out.println(Json.PRETTY.writeValueAsString(json));
            return 0;
        }
        // Measured before, between and after the models: the highest sample is the reference (a busy moment only
        // lowers a sample), all are reported, and a spread over 10% marks the run as noisy.
        ReferencePeak peak = ReferencePeak.fp32Matmul(1024);
        ReferencePeak largePeak = ReferencePeak.fp32Matmul(2048);
        peak.measure("before");
        largePeak.measure("before");
        List<ObjectNode> results = new ArrayList<>();
        for (NamedConfig named : MODELS) {
            results.add(benchmark(named));
            String moment = results.size() == MODELS.size() ? "after" : "after " + named.name();
            peak.measure(moment);
            largePeak.measure(moment);
        }
        peak.writeTo(machine, "matmul_fp32_1024");
        largePeak.writeTo(machine, "matmul_fp32_2048");
        ArrayNode models = json.putArray("models");
        for (ObjectNode result : results) {
            ObjectNode prefill = (ObjectNode) result.get("prefill");
            prefill.put("fraction_of_matmul_peak", round(prefill.get("gflops").asDouble() / peak.highest()));
            models.add(result);
        }
        if (peak.noisy()) {
            System.err.println("warning: " + peak.warning());
        }
        machine.put("peak_rss_mb", round(status("VmHWM") / 1024.0));
        System.out.println(Json.PRETTY.writeValueAsString(json));
        if (peer) {
            System.out.print(peerTable(results, peak));
        }
        return 0;
    }

    /** The figures in llama.cpp's terms, one row per model, to paste beside llama-bench's and llama-batched-bench's. */
    static String peerTable(List<ObjectNode> results, ReferencePeak peak) {
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "%nfp32 matmul peak (1024^2): %.1f GFLOP/s (samples %s)%n",
                peak.highest(),
                peak.samples().stream()
                        .map(sample -> String.format(Locale.ROOT, "%.1f", sample.gflops()))
                        .toList()));
        table.append("| model | parameters | pp512 t/s | decode b1 t/s | decode b8 t/s | decode b32 t/s |\n");
        table.append("| --- | --- | --- | --- | --- | --- |\n");
        for (ObjectNode result : results) {
            StringBuilder row = new StringBuilder();
            row.append(String.format(
                    Locale.ROOT,
                    "| %s | %.1fM | %.0f |",
                    result.get("name").asText(),
                    result.get("parameters").asDouble() / 1e6,
                    result.get("prefill").get("tokens_per_s").asDouble()));
            for (int batch : List.of(1, 8, 32)) {
                double tokensPerSecond = Double.NaN;
                for (var decode : result.get("decode")) {
                    if (decode.get("batch").asInt() == batch
                            && decode.get("kv_cache").asBoolean()) {
                        tokensPerSecond = decode.get("tokens_per_s").asDouble();
                    }
                }
                row.append(String.format(Locale.ROOT, " %.0f |", tokensPerSecond));
            }
            table.append(row).append('\n');
        }
        return table.toString();
    }

    /** The model's figures; the prefill's fraction of the matmul peak is added once every peak sample is taken. */
    private ObjectNode benchmark(NamedConfig named) {
        LlamaConfig config = named.config();
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("name", named.name());
        try (LlamaModel model =
                LlamaModel.initialize(config, 1, Engine.getInstance().newBaseManager())) {
            result.put("parameters", model.parameterCount());
            result.put("hidden_size", config.hiddenSize());
            result.put("layers", config.numLayers());
            result.put("heads", config.numHeads() + "/" + config.numKvHeads());
            result.put("vocab_size", config.vocabSize());

            result.put("rss_mb_after_load", round(status("VmRSS") / 1024.0));
            double prefillSeconds = prefillSeconds(model);
            result.put("peak_rss_mb_after_prefill", round(status("VmHWM") / 1024.0));
            double flops = prefillFlops(config, prefillBatch, prefillTokens);
            double gflops = flops / prefillSeconds / 1e9;
            ObjectNode prefill = result.putObject("prefill");
            prefill.put("batch", prefillBatch);
            prefill.put("tokens_per_sequence", prefillTokens);
            prefill.put("tokens_per_s", round(prefillBatch * prefillTokens / prefillSeconds));
            prefill.put("gflops", round(gflops));

            ArrayNode decode = result.putArray("decode");
            double cachedAtLargest = 0;
            double uncachedAtOne = 0;
            for (int batch : batches) {
                double cached = cachedDecodeTokensPerSecond(model, batch);
                decode.addObject().put("batch", batch).put("kv_cache", true).put("tokens_per_s", round(cached));
                cachedAtLargest = cached;
                if (peer) {
                    continue;
                }
                double uncached = uncachedDecodeTokensPerSecond(model, batch);
                decode.addObject().put("batch", batch).put("kv_cache", false).put("tokens_per_s", round(uncached));
                if (batch == 1) {
                    uncachedAtOne = uncached;
                }
            }
            result.put("peak_rss_mb_after_decode", round(status("VmHWM") / 1024.0));
            if (uncachedAtOne > 0) {
                result.put("decode_largest_batch_cached_over_batch1_uncached", round(cachedAtLargest / uncachedAtOne));
            }
        }
        return result;
    }

    /** Best of five full forward passes (logits of the last position, as generation computes them). */
    private double prefillSeconds(LlamaModel model) {
        long[] ids = randomIds(model.config(), prefillBatch * prefillTokens, 3);
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 6; run++) {
            try (NDScope scope = new NDScope()) {
                long start = System.nanoTime();
                NDArray logits = model.forward(
                        model.manager().create(ids, new Shape(prefillBatch, prefillTokens)), null, null, true);
                logits.toFloatArray();
                double seconds = (System.nanoTime() - start) / 1e9;
                if (run > 0) {
                    best = Math.min(best, seconds);
                }
                scope.suppressNotUsedWarning();
            }
        }
        return best;
    }

    /** Multiply-adds actually computed: projections, MLP, full (masked) attention matrices, LM head on the last token. */
    static double prefillFlops(LlamaConfig c, int batch, int tokens) {
        double d = c.hiddenSize();
        double q = (double) c.numHeads() * c.headDim();
        double kv = (double) c.numKvHeads() * c.headDim();
        double perTokenPerLayer = 2 * (d * q + 2 * d * kv + q * d + 3 * d * c.intermediateSize()) + 2 * 2 * q * tokens;
        return batch * (tokens * c.numLayers() * perTokenPerLayer + 2 * d * c.vocabSize());
    }

    /**
     * Decode throughput with the KV cache through the continuous-batching scheduler. The clock starts when every
     * sequence has its first token (the prompts' prefill is measured separately) and stops at the last token.
     */
    private double cachedDecodeTokensPerSecond(LlamaModel model, int batch) {
        try (GenerationScheduler scheduler =
                new GenerationScheduler(model, null, Set.of(), new SchedulerSettings(batch, batch))) {
            runBatch(scheduler, model.config(), batch, 4, new AtomicInteger());
            AtomicInteger tokens = new AtomicInteger();
            long[] decodeStart = new long[1];
            runBatch(scheduler, model.config(), batch, newTokens, tokens, () -> decodeStart[0] = System.nanoTime());
            long end = System.nanoTime();
            return (tokens.get() - batch) / ((end - decodeStart[0]) / 1e9);
        }
    }

    private void runBatch(
            GenerationScheduler scheduler, LlamaConfig config, int batch, int tokens, AtomicInteger generated) {
        runBatch(scheduler, config, batch, tokens, generated, () -> {});
    }

    /** @param prefillDone called once, on the scheduler thread, when every sequence has its first token */
    private void runBatch(
            GenerationScheduler scheduler,
            LlamaConfig config,
            int batch,
            int tokens,
            AtomicInteger generated,
            Runnable prefillDone) {
        AtomicInteger started = new AtomicInteger();
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int row = 0; row < batch; row++) {
            int[] prompt = Arrays.stream(randomIds(config, promptTokens, row))
                    .mapToInt(id -> (int) id)
                    .toArray();
            boolean[] first = {true};
            futures.add(scheduler.submit(new GenerationRequest(
                    prompt, SamplingParams.greedy(tokens).withIgnoreEos(true), (sample, token, delta) -> {
                        generated.incrementAndGet();
                        if (first[0]) {
                            first[0] = false;
                            if (started.incrementAndGet() == batch) {
                                prefillDone.run();
                            }
                        }
                    })));
        }
        futures.forEach(CompletableFuture::join);
    }

    /** Greedy decoding that recomputes the whole sequence for every new token: what the cache saves. */
    private double uncachedDecodeTokensPerSecond(LlamaModel model, int batch) {
        int steps = batch == 1 ? newTokens : Math.min(uncachedSteps, newTokens);
        int total = promptTokens + steps;
        long[] ids = new long[batch * total];
        long[] prompt = randomIds(model.config(), batch * promptTokens, 9);
        for (int row = 0; row < batch; row++) {
            System.arraycopy(prompt, row * promptTokens, ids, row * total, promptTokens);
        }
        int vocab = model.config().vocabSize();
        long start = System.nanoTime();
        for (int step = 0; step < steps; step++) {
            int length = promptTokens + step;
            long[] input = new long[batch * length];
            for (int row = 0; row < batch; row++) {
                System.arraycopy(ids, row * total, input, row * length, length);
            }
            try (NDScope scope = new NDScope()) {
                float[] logits = model.forward(
                                model.manager().create(input, new Shape(batch, length)), null, null, true)
                        .toFloatArray();
                for (int row = 0; row < batch; row++) {
                    int best = 0;
                    for (int v = 1; v < vocab; v++) {
                        if (logits[row * vocab + v] > logits[row * vocab + best]) {
                            best = v;
                        }
                    }
                    ids[row * total + length] = best;
                }
                scope.suppressNotUsedWarning();
            }
        }
        return batch * (double) steps / ((System.nanoTime() - start) / 1e9);
    }

    /** The machine's reference: best fp32 n x n matmul rate over several runs. */
    static double matmulPeakGflops(int n) {
        try (NDManager manager = Engine.getInstance().newBaseManager()) {
            NDArray a = manager.randomNormal(new Shape(n, n), DataType.FLOAT32);
            NDArray b = manager.randomNormal(new Shape(n, n), DataType.FLOAT32);
            double best = Double.MAX_VALUE;
            int repeats = n >= 2048 ? 3 : 10;
            for (int run = 0; run < repeats + 2; run++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray aScoped = a.duplicate();
                    aScoped.attach(scope);
                    long start = System.nanoTime();
                    NDArray product = aScoped.matMul(b);
                    product.get(0).toFloatArray();
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (run >= 2) {
                        best = Math.min(best, seconds);
                    }
                }
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }

    /** Resident memory while a tiny model serves many short requests: it must level off, not grow per request. */
    private ObjectNode memoryOverRequests() {
        LlamaConfig config = LlamaConfig.small(512, 64, 2, 4, 2, 176, 512);
        ObjectNode memory = Json.MAPPER.createObjectNode();
        memory.put("requests", leakRequests);
        ArrayNode samples = memory.putArray("rss_mb");
        try (LlamaModel model =
                        LlamaModel.initialize(config, 1, Engine.getInstance().newBaseManager());
                GenerationScheduler scheduler =
                        new GenerationScheduler(model, null, Set.of(), new SchedulerSettings(32, 4096))) {
            Random random = new Random(5);
            int interval = Math.max(1, leakRequests / 10);
            long start = System.nanoTime();
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int request = 1; request <= leakRequests; request++) {
                int[] prompt = random.ints(4 + random.nextInt(24), 0, config.vocabSize())
                        .toArray();
                SamplingParams params = SamplingParams.sampled(1 + random.nextInt(16), 0.9, 0.95, request)
                        .withIgnoreEos(true);
                inFlight.add(scheduler.submit(new GenerationRequest(prompt, params)));
                if (inFlight.size() >= 256) {
                    inFlight.forEach(CompletableFuture::join);
                    inFlight.clear();
                }
                if (request % interval == 0) {
                    inFlight.forEach(CompletableFuture::join);
                    inFlight.clear();
                    System.gc();
                    samples.addObject().put("after_requests", request).put("rss_mb", round(status("VmRSS") / 1024.0));
                }
            }
            memory.put("seconds", round((System.nanoTime() - start) / 1e9));
        }
        double first = samples.get(0).get("rss_mb").asDouble();
        double last = samples.get(samples.size() - 1).get("rss_mb").asDouble();
        memory.put("growth_mb_after_first_sample", round(last - first));
        return memory;
    }

    private static long[] randomIds(LlamaConfig config, int count, long seed) {
        return new Random(seed).longs(count, 0, config.vocabSize()).toArray();
    }

    /** A field of /proc/self/status in kB (VmRSS, VmHWM); -1 where the file does not exist. */
    static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
