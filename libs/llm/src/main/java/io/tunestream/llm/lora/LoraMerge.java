package io.tunestream.llm.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.checkpoint.CheckpointException;
import io.tunestream.llm.checkpoint.CheckpointFiles;
import io.tunestream.llm.checkpoint.CheckpointWriter;
import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.checkpoint.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folds a LoRA adapter into the base weights, {@code W' = W + scale · B·A} (PEFT's {@code merge_and_unload}), so the
 * result runs, and ships, as a plain Hugging Face checkpoint with no adapter code.
 */
public final class LoraMerge {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LoraMerge() {}

    /**
     * The base weights with the adapter merged in. Products are accumulated in double and rounded to F32 once.
     *
     * @param baseWeights tensors by Hugging Face name ({@code model.layers.0.self_attn.q_proj.weight}, ...); not modified
     * @return a new map with the same names and order; tensors the adapter does not touch are shared
     * @throws IllegalArgumentException naming the tensor when a targeted weight is missing or has the wrong shape
     */
    public static Map<String, Tensor> merge(Map<String, Tensor> baseWeights, PeftAdapter adapter) {
        Map<String, Tensor> merged = new LinkedHashMap<>(baseWeights);
        double scale = adapter.config().scale();
        adapter.modules().forEach((module, weights) -> {
            String name = module + ".weight";
            Tensor base = baseWeights.get(name);
            long[] a = weights.loraA().shape();
            long[] b = weights.loraB().shape();
            long[] expected = {b[0], a[1]};
            if (base == null || !Arrays.equals(base.shape(), expected)) {
                throw new IllegalArgumentException("the adapter's \"" + module + "\" needs a base tensor \"" + name
                        + "\" of shape " + Arrays.toString(expected) + ", found "
                        + (base == null ? "none" : Arrays.toString(base.shape())));
            }
            merged.put(name, mergeOne(base, weights, scale));
        });
        return merged;
    }

    private static Tensor mergeOne(Tensor base, PeftAdapter.Weights weights, double scale) {
        int rank = weights.rank();
        int out = (int) base.shape()[0];
        int in = (int) base.shape()[1];
        float[] w = base.data();
        float[] a = weights.loraA().data(); // (rank, in)
        float[] b = weights.loraB().data(); // (out, rank)
        float[] result = new float[w.length];
        double[] row = new double[in];
        for (int o = 0; o < out; o++) {
            Arrays.fill(row, 0);
            for (int k = 0; k < rank; k++) {
                double bk = b[o * rank + k];
                int aRow = k * in;
                for (int i = 0; i < in; i++) {
                    row[i] += bk * a[aRow + i];
                }
            }
            int wRow = o * in;
            for (int i = 0; i < in; i++) {
                result[wRow + i] = (float) (w[wRow + i] + scale * row[i]);
            }
        }
        return new Tensor(base.shape(), result);
    }

    /**
     * Writes the merged model as a Hugging Face checkpoint: the base's {@code config.json} (its content kept, only
     * {@code torch_dtype} set to {@code storedAs}), its {@code generation_config.json} (derived from the config's
     * token ids when the base has none), its tokenizer files, and the merged weights.
     */
    public static void mergeToCheckpoint(Path baseDir, Path adapterDir, Path outDir, DType storedAs) {
        PeftAdapter adapter = PeftAdapter.read(adapterDir);
        Map<String, Tensor> baseWeights = new LinkedHashMap<>();
        try (CheckpointFiles files = CheckpointFiles.open(baseDir)) {
            files.tensors().keySet().forEach(name -> baseWeights.put(name, files.read(name)));
        }
        Map<String, Tensor> merged;
        try {
            merged = merge(baseWeights, adapter);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(
                    adapterDir + " does not fit the base model " + baseDir + ": " + e.getMessage(), e);
        }
        ObjectNode config = readObject(baseDir.resolve("config.json"));
        Path generation = baseDir.resolve(CheckpointWriter.GENERATION_CONFIG);
        ObjectNode generationConfig = Files.isRegularFile(generation) ? readObject(generation) : null;
        CheckpointWriter.write(
                outDir, merged, storedAs, config, generationConfig, baseDir, CheckpointWriter.DEFAULT_SHARD_BYTES);
    }

    private static ObjectNode readObject(Path file) {
        JsonNode json;
        try {
            json = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read JSON: " + e.getMessage(), e);
        }
        if (!(json instanceof ObjectNode object)) {
            throw new CheckpointException(file + ": not a JSON object");
        }
        return object;
    }
}
