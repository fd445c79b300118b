package io.tunestream.llm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.SchedulerSettings;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/** A model directory opened for the CLI: the model, its tokenizer when it has one, and its end-of-sequence ids. */
final class LoadedModel implements AutoCloseable {

    final LlamaModel model;
    final Tokenizer tokenizer;
    final Set<Integer> eosTokenIds;

    private LoadedModel(LlamaModel model, Tokenizer tokenizer, Set<Integer> eosTokenIds) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.eosTokenIds = eosTokenIds;
    }

    static LoadedModel open(Path directory) {
        Inference.disableGradientsOnThisThread();
        LlamaModel model = LlamaModel.load(directory);
        Tokenizer tokenizer =
                Files.isRegularFile(directory.resolve("tokenizer.json")) ? Tokenizer.load(directory) : null;
        Set<Integer> eos = new LinkedHashSet<>(model.config().eosTokenIds());
        eos.addAll(generationConfigEos(directory));
        if (tokenizer != null) {
            for (int id : tokenizer.eosTokenIds()) {
                eos.add(id);
            }
        }
        return new LoadedModel(model, tokenizer, eos);
    }

    /** {@code generation_config.json}'s eos_token_id (an id or a list), which is what Hugging Face's generate stops on. */
    private static Set<Integer> generationConfigEos(Path directory) {
        Path file = directory.resolve("generation_config.json");
        Set<Integer> ids = new LinkedHashSet<>();
        if (!Files.isRegularFile(file)) {
            return ids;
        }
        try {
            JsonNode eos = Json.MAPPER.readTree(file.toFile()).get("eos_token_id");
            if (eos != null && eos.isArray()) {
                eos.forEach(id -> ids.add(id.asInt()));
            } else if (eos != null && eos.canConvertToInt()) {
                ids.add(eos.asInt());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        return ids;
    }

    Tokenizer requireTokenizer(String why) {
        if (tokenizer == null) {
            throw new IllegalArgumentException(why + " needs tokenizer.json in the model directory; use --ids instead");
        }
        return tokenizer;
    }

    GenerationScheduler scheduler(int maxBatchSize) {
        return new GenerationScheduler(
                model,
                tokenizer == null ? null : ids -> tokenizer.decode(ids, true),
                eosTokenIds,
                new SchedulerSettings(maxBatchSize, 1024));
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        model.close();
    }
}
