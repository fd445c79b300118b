package io.tunestream.registry.service;

import io.tunestream.llm.checkpoint.CheckpointException;
import io.tunestream.llm.checkpoint.CheckpointFiles;
import io.tunestream.llm.checkpoint.TensorInfo;
import io.tunestream.llm.model.LlamaConfig;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.platform.problem.InvalidRequestException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks that a directory is a Hugging Face checkpoint the platform can serve and train, with the engine's own readers:
 * {@code config.json} readable as Llama or Qwen2, the safetensors weights (single file or shards) with the tensors the
 * configuration implies, and a fast tokenizer ({@code tokenizer.json}) whose ids fit the embedding.
 *
 * <p>It reads headers and the tokenizer, not the weights' values, so a multi-gigabyte checkpoint validates in
 * moments; the engine checks every tensor's shape again when it loads the model.
 */
public final class CheckpointValidator {

    private CheckpointValidator() {}

    /** What was found, for the import's answer and log. */
    public record CheckpointSummary(
            String architecture,
            int vocabSize,
            int hiddenSize,
            int layers,
            int tensors,
            String dtype,
            int tokenizerVocabSize) {}

    /** @throws InvalidRequestException saying which file is wrong and what is accepted */
    public static CheckpointSummary validate(Path directory) {
        LlamaConfig config;
        try {
            config = LlamaConfig.read(directory);
        } catch (CheckpointException | IllegalArgumentException e) {
            throw new InvalidRequestException("config.json: " + withoutDirectory(e.getMessage(), directory), e);
        }
        int tensorCount;
        String dtype;
        try (CheckpointFiles weights = CheckpointFiles.open(directory)) {
            List<String> missing = new ArrayList<>();
            for (String name : requiredTensors(config)) {
                if (!weights.contains(name)) {
                    missing.add(name);
                }
            }
            if (!missing.isEmpty()) {
                throw new InvalidRequestException(
                        "weights: missing " + missing.size() + " tensor(s) that config.json implies: "
                                + (missing.size() <= 5 ? missing : missing.subList(0, 5) + " ..."));
            }
            TensorInfo embedding = weights.info("model.embed_tokens.weight");
            long[] expected = {config.vocabSize(), config.hiddenSize()};
            if (!Arrays.equals(embedding.shape(), expected)) {
                throw new InvalidRequestException("weights: model.embed_tokens.weight has shape "
                        + Arrays.toString(embedding.shape()) + ", config.json implies " + Arrays.toString(expected));
            }
            tensorCount = weights.tensors().size();
            dtype = weights.storedDType().name();
        } catch (CheckpointException | UncheckedIOException e) {
            throw new InvalidRequestException("weights: " + withoutDirectory(e.getMessage(), directory), e);
        }
        int tokenizerVocabulary;
        try (Tokenizer tokenizer = Tokenizer.load(directory)) {
            tokenizerVocabulary = tokenizer.vocabSize();
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new InvalidRequestException("tokenizer: " + withoutDirectory(e.getMessage(), directory), e);
        }
        if (tokenizerVocabulary > config.vocabSize()) {
            throw new InvalidRequestException("tokenizer: tokenizer.json has " + tokenizerVocabulary
                    + " tokens, more than the model's vocab_size " + config.vocabSize());
        }
        return new CheckpointSummary(
                config.architecture().className(),
                config.vocabSize(),
                config.hiddenSize(),
                config.numLayers(),
                tensorCount,
                dtype,
                tokenizerVocabulary);
    }

    /** The embedding, the final norm, the LM head when untied, and each layer's attention and MLP projections. */
    private static List<String> requiredTensors(LlamaConfig config) {
        List<String> names = new ArrayList<>();
        names.add("model.embed_tokens.weight");
        for (int layer = 0; layer < config.numLayers(); layer++) {
            String prefix = "model.layers." + layer + ".";
            for (String projection : List.of(
                    "self_attn.q_proj",
                    "self_attn.k_proj",
                    "self_attn.v_proj",
                    "self_attn.o_proj",
                    "mlp.gate_proj",
                    "mlp.up_proj",
                    "mlp.down_proj")) {
                names.add(prefix + projection + ".weight");
            }
        }
        names.add("model.norm.weight");
        if (!config.tieWordEmbeddings()) {
            names.add("lm_head.weight");
        }
        return names;
    }

    /** The engine's messages name the server path; the client only knows the files it sent. */
    private static String withoutDirectory(String message, Path directory) {
        return message == null
                ? "invalid"
                : message.replace(directory.toString() + "/", "").replace(directory.toString(), ".");
    }
}
