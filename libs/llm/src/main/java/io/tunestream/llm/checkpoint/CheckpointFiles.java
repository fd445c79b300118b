package io.tunestream.llm.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The weights of a Hugging Face model directory: {@code model.safetensors}, or the shards listed by
 * {@code model.safetensors.index.json}. Tensors are looked up by name whatever file holds them.
 */
public final class CheckpointFiles implements AutoCloseable {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path directory;
    private final List<SafeTensorsFile> files;
    private final Map<String, TensorInfo> tensors;

    private CheckpointFiles(Path directory, List<SafeTensorsFile> files, Map<String, TensorInfo> tensors) {
        this.directory = directory;
        this.files = files;
        this.tensors = tensors;
    }

    public static CheckpointFiles open(Path directory) {
        Path index = directory.resolve(INDEX_FILE);
        Path single = directory.resolve(SINGLE_FILE);
        if (Files.isRegularFile(index)) {
            return openSharded(directory, index);
        }
        if (Files.isRegularFile(single)) {
            SafeTensorsFile file = SafeTensorsFile.open(single);
            return new CheckpointFiles(directory, List.of(file), file.tensors());
        }
        throw new CheckpointException(directory + ": no weights found: expected " + SINGLE_FILE + " or " + INDEX_FILE
                + " (PyTorch .bin checkpoints are not supported; convert them to safetensors)");
    }

    private static CheckpointFiles openSharded(Path directory, Path index) {
        JsonNode weightMap;
        try {
            weightMap = new ObjectMapper().readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new CheckpointException(index + ": not valid JSON: " + e.getMessage(), e);
        }
        if (weightMap == null || !weightMap.isObject()) {
            throw new CheckpointException(index + ": missing object \"weight_map\" (tensor name -> shard file)");
        }
        Map<String, String> fileOfTensor = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            fileOfTensor.put(entry.getKey(), entry.getValue().asText());
        }
        Map<String, SafeTensorsFile> shards = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new TreeMap<>();
        try {
            for (Map.Entry<String, String> entry : fileOfTensor.entrySet()) {
                String shardName = entry.getValue();
                // Lexical check (no symlink resolution: Hugging Face cache snapshots link into ../../blobs).
                Path base = directory.toAbsolutePath().normalize();
                Path shardPath = base.resolve(shardName).normalize();
                if (!shardPath.startsWith(base) || !Files.isRegularFile(shardPath)) {
                    throw new CheckpointException(index + ": tensor \"" + entry.getKey() + "\" is mapped to \""
                            + shardName + "\", which is not a file in " + directory);
                }
                SafeTensorsFile shard = shards.computeIfAbsent(shardName, name -> SafeTensorsFile.open(shardPath));
                TensorInfo info = shard.tensors().get(entry.getKey());
                if (info == null) {
                    throw new CheckpointException(index + ": tensor \"" + entry.getKey() + "\" is mapped to "
                            + shardName + ", which does not contain it");
                }
                tensors.put(entry.getKey(), info);
            }
        } catch (RuntimeException e) {
            shards.values().forEach(SafeTensorsFile::close);
            throw e;
        }
        return new CheckpointFiles(directory, new ArrayList<>(shards.values()), Collections.unmodifiableMap(tensors));
    }

    public Path directory() {
        return directory;
    }

    /** Tensors by name, sorted. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new CheckpointException(directory + ": missing tensor \"" + name + "\"");
        }
        return info;
    }

    public float[] readFloats(String name) {
        TensorInfo info = info(name);
        return fileOf(info).readFloats(name);
    }

    public Tensor read(String name) {
        return new Tensor(info(name).shape(), readFloats(name));
    }

    /** The dtype most of the weights are stored in (what {@code inspect} reports). */
    public DType storedDType() {
        Map<DType, Long> bytes = new TreeMap<>();
        tensors.values().forEach(t -> bytes.merge(t.dtype(), t.end() - t.begin(), Long::sum));
        return bytes.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(DType.F32);
    }

    private SafeTensorsFile fileOf(TensorInfo info) {
        for (SafeTensorsFile file : files) {
            if (file.file().equals(info.file())) {
                return file;
            }
        }
        throw new IllegalStateException("no open file for " + info.file());
    }

    @Override
    public void close() {
        files.forEach(SafeTensorsFile::close);
    }
}
