package io.tunestream.llm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.checkpoint.CheckpointFiles;
import io.tunestream.llm.checkpoint.TensorInfo;
import io.tunestream.llm.model.LlamaConfig;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Architecture, parameter count and dtype of a checkpoint, read from its headers without loading the weights. */
@Command(name = "inspect", description = "Describe a checkpoint: architecture, parameters, dtype, tokenizer.")
final class InspectCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Hugging Face model directory")
    Path model;

    @Override
    public Integer call() throws Exception {
        LlamaConfig config = LlamaConfig.read(model);
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("directory", model.toAbsolutePath().toString());
        json.put("architecture", config.architecture().className());
        try (CheckpointFiles files = CheckpointFiles.open(model)) {
            long parameters = files.tensors().values().stream()
                    .mapToLong(TensorInfo::elementCount)
                    .sum();
            json.put("parameters", parameters);
            json.put("parameters_human", human(parameters));
            json.put("dtype", files.storedDType().name());
            json.put("compute_dtype", "F32");
            json.put("tensors", files.tensors().size());
            ArrayNode fileNames = json.putArray("files");
            new TreeSet<>(files.tensors().values().stream()
                            .map(t -> t.file().getFileName().toString())
                            .toList())
                    .forEach(fileNames::add);
        }
        json.put("vocab_size", config.vocabSize());
        json.put("hidden_size", config.hiddenSize());
        json.put("intermediate_size", config.intermediateSize());
        json.put("layers", config.numLayers());
        json.put("attention_heads", config.numHeads());
        json.put("key_value_heads", config.numKvHeads());
        json.put("head_dim", config.headDim());
        json.put("tied_embeddings", config.tieWordEmbeddings());
        json.put("rope_theta", config.ropeTheta());
        json.put("rope_scaling", config.ropeScaling().type());
        json.put("max_position_embeddings", config.maxPositionEmbeddings());
        json.put("qkv_bias", config.attentionBias());
        ObjectNode tokenizerJson = json.putObject("tokenizer");
        boolean hasTokenizer = Files.isRegularFile(model.resolve("tokenizer.json"));
        tokenizerJson.put("present", hasTokenizer);
        if (hasTokenizer) {
            try (Tokenizer tokenizer = Tokenizer.load(model)) {
                tokenizerJson.put("vocab_size", tokenizer.vocabSize());
                tokenizer.bosToken().ifPresent(token -> tokenizerJson.put("bos_token", token));
                tokenizer.eosToken().ifPresent(token -> tokenizerJson.put("eos_token", token));
                tokenizerJson.put("chat_template", tokenizer.chatTemplate().isPresent());
            }
        }
        System.out.println(Json.PRETTY.writeValueAsString(json));
        return 0;
    }

    static String human(long parameters) {
        if (parameters >= 1_000_000_000L) {
            return String.format("%.2fB", parameters / 1e9);
        }
        if (parameters >= 1_000_000L) {
            return String.format("%.2fM", parameters / 1e6);
        }
        return String.format("%.1fK", parameters / 1e3);
    }
}
