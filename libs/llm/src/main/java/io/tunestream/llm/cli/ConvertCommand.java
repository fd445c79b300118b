package io.tunestream.llm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.checkpoint.CheckpointFiles;
import io.tunestream.llm.checkpoint.CheckpointWriter;
import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.checkpoint.Tensor;
import io.tunestream.llm.model.LlamaConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Rewrites a checkpoint in F32 or BF16 (round-to-nearest-even), keeping its config and tokenizer files. */
@Command(name = "convert", description = "Convert a checkpoint's weights to F32 or BF16.")
final class ConvertCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "source Hugging Face model directory")
    Path model;

    @Option(names = "--output", required = true, description = "target directory")
    Path output;

    @Option(names = "--dtype", required = true, description = "f32 or bf16")
    String dtype;

    @Option(names = "--max-shard-bytes", defaultValue = "5000000000", description = "shard above this size")
    long maxShardBytes;

    @Override
    public Integer call() throws Exception {
        DType target = Json.writableDType(dtype);
        if (output.toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--output must differ from --model");
        }
        LlamaConfig.read(model);
        ObjectNode config = (ObjectNode)
                Json.MAPPER.readTree(model.resolve(LlamaConfig.FILE).toFile());
        Path generationFile = model.resolve(CheckpointWriter.GENERATION_CONFIG);
        ObjectNode generation =
                Files.isRegularFile(generationFile) ? (ObjectNode) Json.MAPPER.readTree(generationFile.toFile()) : null;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (CheckpointFiles files = CheckpointFiles.open(model)) {
            for (String name : files.tensors().keySet()) {
                tensors.put(name, files.read(name));
            }
        }
        CheckpointWriter.write(output, tensors, target, config, generation, model, maxShardBytes);
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("output", output.toAbsolutePath().toString());
        json.put("dtype", target.name());
        json.put("tensors", tensors.size());
        System.out.println(Json.MAPPER.writeValueAsString(json));
        return 0;
    }
}
