package io.tunestream.llm.tokenizer;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.checkpoint.CheckpointWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds tokens to a tokenizer the way transformers' {@code add_tokens} / {@code add_special_tokens} do: each new token
 * becomes an entry of {@code tokenizer.json}'s {@code added_tokens} with the next free id (after the vocabulary and the
 * tokens added before), is listed in {@code tokenizer_config.json}'s {@code added_tokens_decoder}, and is matched whole
 * before the model's own splitting. A token the tokenizer already knows is not added again.
 */
public final class AddedTokens {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AddedTokens() {}

    /**
     * What an extension did.
     *
     * @param added       the tokens that were new, with their ids, in the order given
     * @param sizeBefore  the tokenizer's size (largest id + 1) before
     * @param sizeAfter   its size after
     */
    public record Extension(Map<String, Integer> added, int sizeBefore, int sizeAfter) {

        public Extension {
            added = Map.copyOf(added);
        }

        /** The first id given to a new token, or {@code sizeBefore} when nothing was added. */
        public int firstNewId() {
            return sizeBefore;
        }
    }

    /**
     * Writes the tokenizer files of {@code source} with {@code tokens} added into {@code target} (created if needed;
     * the other tokenizer files are copied unchanged).
     *
     * @param special add them as special tokens (skipped by {@code decode(ids, true)}, never normalised, listed in
     *                {@code additional_special_tokens}) rather than as ordinary added tokens
     */
    public static Extension add(Path source, Path target, List<String> tokens, boolean special) {
        Path tokenizerFile = source.resolve(Tokenizer.TOKENIZER_FILE);
        ObjectNode tokenizer = readObject(tokenizerFile);
        Path configFile = source.resolve(TokenizerSettings.TOKENIZER_CONFIG);
        ObjectNode config = Files.isRegularFile(configFile) ? readObject(configFile) : JSON.createObjectNode();

        Map<String, Integer> known = knownTokens(tokenizer, tokenizerFile);
        int sizeBefore =
                known.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        Map<String, Integer> added = new LinkedHashMap<>();
        ArrayNode addedTokens = tokenizer.withArray("added_tokens");
        ObjectNode decoder = config.with("added_tokens_decoder");
        int next = sizeBefore;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token == null || token.isEmpty()) {
                throw new IllegalArgumentException("token " + (i + 1) + " of the tokens to add is empty");
            }
            if (known.containsKey(token) || added.containsKey(token)) {
                continue;
            }
            int id = next++;
            added.put(token, id);
            ObjectNode entry = addedTokens.addObject();
            entry.put("id", id);
            putTokenFlags(entry.put("content", token), special);
            putTokenFlags(decoder.putObject(String.valueOf(id)).put("content", token), special);
            if (special) {
                config.withArray("additional_special_tokens").add(token);
            }
        }
        try {
            Files.createDirectories(target);
            for (String name : CheckpointWriter.TOKENIZER_FILES) {
                Path file = source.resolve(name);
                if (Files.isRegularFile(file)
                        && !name.equals(Tokenizer.TOKENIZER_FILE)
                        && !name.equals(TokenizerSettings.TOKENIZER_CONFIG)) {
                    Files.copy(file, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            ObjectWriter writer =
                    JSON.writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));
            Files.writeString(
                    target.resolve(Tokenizer.TOKENIZER_FILE),
                    writer.writeValueAsString(tokenizer) + "\n",
                    StandardCharsets.UTF_8);
            Files.writeString(
                    target.resolve(TokenizerSettings.TOKENIZER_CONFIG),
                    writer.writeValueAsString(config) + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the extended tokenizer to " + target + ": " + e.getMessage(), e);
        }
        return new Extension(added, sizeBefore, next);
    }

    /** The flags transformers writes for an {@code AddedToken}: special tokens are matched on the raw text. */
    private static void putTokenFlags(ObjectNode entry, boolean special) {
        entry.put("single_word", false);
        entry.put("lstrip", false);
        entry.put("rstrip", false);
        entry.put("normalized", !special);
        entry.put("special", special);
    }

    private static Map<String, Integer> knownTokens(ObjectNode tokenizer, Path file) {
        Map<String, Integer> known = new LinkedHashMap<>();
        JsonNode vocab = tokenizer.path("model").path("vocab");
        if (vocab.isObject()) {
            vocab.fields()
                    .forEachRemaining(
                            entry -> known.put(entry.getKey(), entry.getValue().asInt()));
        } else if (vocab.isArray()) {
            for (int id = 0; id < vocab.size(); id++) {
                known.put(vocab.get(id).path(0).asText(), id);
            }
        } else {
            throw new IllegalArgumentException(file + ": key 'model.vocab' must be an object of token to id or a list"
                    + " of [token, score] pairs");
        }
        for (JsonNode entry : tokenizer.path("added_tokens")) {
            known.put(entry.path("content").asText(), entry.path("id").asInt());
        }
        return known;
    }

    private static ObjectNode readObject(Path file) {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException(file + " must hold a JSON object");
            }
            return object;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
