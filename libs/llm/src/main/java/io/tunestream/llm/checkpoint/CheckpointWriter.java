package io.tunestream.llm.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a Hugging Face model directory: {@code config.json}, {@code generation_config.json}, the weights as one
 * {@code model.safetensors} or, above the shard size, as {@code model-0000i-of-0000n.safetensors} with
 * {@code model.safetensors.index.json}, and the tokenizer files copied from a source directory.
 */
public final class CheckpointWriter {

    /** The tokenizer files Hugging Face's AutoTokenizer reads, copied when present. */
    public static final List<String> TOKENIZER_FILES = List.of(
            "tokenizer.json",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "tokenizer.model",
            "vocab.json",
            "merges.txt",
            "added_tokens.json",
            "chat_template.jinja");

    public static final String GENERATION_CONFIG = "generation_config.json";
    /** The shard size Hugging Face uses by default. */
    public static final long DEFAULT_SHARD_BYTES = 5L * 1000 * 1000 * 1000;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckpointWriter() {}

    /**
     * @param config           the model's {@code config.json}; {@code torch_dtype} is set to match {@code storedAs}
     * @param generationConfig {@code generation_config.json}, or null to derive one from the config's token ids
     * @param tokenizerSource  a directory whose tokenizer files are copied, or null
     */
    public static void write(
            Path directory,
            Map<String, Tensor> tensors,
            DType storedAs,
            ObjectNode config,
            ObjectNode generationConfig,
            Path tokenizerSource,
            long maxShardBytes) {
        try {
            Files.createDirectories(directory);
            ObjectNode configJson = config.deepCopy();
            configJson.put("torch_dtype", storedAs == DType.BF16 ? "bfloat16" : "float32");
            // Weights first, config.json last: a directory with a config is a complete checkpoint.
            writeWeights(directory, tensors, storedAs, maxShardBytes);
            JSON.writeValue(
                    directory.resolve(GENERATION_CONFIG).toFile(),
                    generationConfig != null ? generationConfig : generationConfigFrom(configJson));
            if (tokenizerSource != null
                    && !tokenizerSource
                            .toAbsolutePath()
                            .normalize()
                            .equals(directory.toAbsolutePath().normalize())) {
                for (String name : TOKENIZER_FILES) {
                    Path source = tokenizerSource.resolve(name);
                    if (Files.isRegularFile(source)) {
                        Files.copy(source, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            JSON.writeValue(directory.resolve("config.json").toFile(), configJson);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + directory, e);
        }
    }

    private static ObjectNode generationConfigFrom(ObjectNode config) {
        ObjectNode generation = JSON.createObjectNode();
        if (config.has("bos_token_id")) {
            generation.set("bos_token_id", config.get("bos_token_id"));
        }
        if (config.has("eos_token_id")) {
            generation.set("eos_token_id", config.get("eos_token_id"));
        }
        generation.put("transformers_version", "4.46.0");
        return generation;
    }

    private static void writeWeights(Path directory, Map<String, Tensor> tensors, DType storedAs, long maxShardBytes)
            throws IOException {
        TreeMap<String, Tensor> sorted = new TreeMap<>(tensors);
        List<Map<String, Tensor>> shards = new ArrayList<>();
        Map<String, Tensor> current = new LinkedHashMap<>();
        long currentBytes = 0;
        long totalBytes = 0;
        for (Map.Entry<String, Tensor> entry : sorted.entrySet()) {
            long bytes = (long) entry.getValue().data().length * storedAs.byteSize();
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.put(entry.getKey(), entry.getValue());
            currentBytes += bytes;
            totalBytes += bytes;
        }
        shards.add(current);
        Files.deleteIfExists(directory.resolve(CheckpointFiles.INDEX_FILE));
        try (var existing = Files.list(directory)) {
            for (Path stale : existing.filter(
                            p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors"))
                    .toList()) {
                Files.delete(stale);
            }
        }
        if (shards.size() == 1) {
            SafeTensorsWriter.write(directory.resolve(CheckpointFiles.SINGLE_FILE), shards.get(0), storedAs);
            return;
        }
        Files.deleteIfExists(directory.resolve(CheckpointFiles.SINGLE_FILE));
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", totalBytes);
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            SafeTensorsWriter.write(directory.resolve(name), shards.get(i), storedAs);
            shards.get(i).keySet().forEach(tensor -> weightMap.put(tensor, name));
        }
        // The index is written last: a reader that finds it finds every shard it names.
        JSON.writeValue(directory.resolve(CheckpointFiles.INDEX_FILE).toFile(), index);
    }
}
