package io.tunestream.llm.tokenizer;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The result of {@link BpeTrainer#train}: the byte-level BPE vocabulary (id = position in {@code symbols}), the merges
 * in rank order, and the special tokens, whose ids follow the symbols.
 *
 * @param symbols      the 256 byte symbols and then one symbol per new merge, in id order
 * @param merges       merges as "left right" in the order learned, which is their rank
 * @param specialTokens special tokens with ids {@code symbols.size()} onwards
 */
public record TrainedBpe(
        List<String> symbols,
        List<String> merges,
        List<String> specialTokens,
        String bosToken,
        String eosToken,
        String padToken,
        int modelMaxLength,
        String chatTemplate,
        boolean individualDigits) {

    public TrainedBpe {
        symbols = List.copyOf(symbols);
        merges = List.copyOf(merges);
        specialTokens = List.copyOf(specialTokens);
        Objects.requireNonNull(bosToken, "bosToken");
        Objects.requireNonNull(eosToken, "eosToken");
        Objects.requireNonNull(padToken, "padToken");
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        for (String role : List.of(bosToken, eosToken, padToken)) {
            if (!specialTokens.contains(role)) {
                throw new IllegalArgumentException(
                        "token '" + role + "' must be one of the special tokens " + specialTokens);
            }
        }
        if (modelMaxLength < 1) {
            throw new IllegalArgumentException("modelMaxLength must be positive, not " + modelMaxLength);
        }
    }

    /** The whole vocabulary: symbols and special tokens. */
    public int vocabSize() {
        return symbols.size() + specialTokens.size();
    }

    public int specialTokenId(String token) {
        int index = specialTokens.indexOf(token);
        if (index < 0) {
            throw new IllegalArgumentException("'" + token + "' is not one of the special tokens " + specialTokens);
        }
        return symbols.size() + index;
    }

    /**
     * Writes {@code tokenizer.json} (for DJL and every Hugging Face tokenizers version), {@code tokenizer_config.json}
     * and {@code special_tokens_map.json} (so that transformers' AutoTokenizer loads the directory too), creating the
     * directory if needed. The files depend only on this record: equal records write byte-identical files.
     */
    public void write(Path directory) {
        ObjectWriter writer = new ObjectMapper()
                .writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));
        try {
            Files.createDirectories(directory);
            writeJson(writer, directory.resolve(Tokenizer.TOKENIZER_FILE), tokenizerJson());
            writeJson(writer, directory.resolve(TokenizerSettings.TOKENIZER_CONFIG), tokenizerConfig());
            writeJson(writer, directory.resolve("special_tokens_map.json"), specialTokensMap());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tokenizer to " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void writeJson(ObjectWriter writer, Path file, ObjectNode json) throws IOException {
        Files.writeString(file, writer.writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
    }

    private ObjectNode tokenizerJson() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode root = nodes.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode addedTokens = root.putArray("added_tokens");
        for (String special : specialTokens) {
            ObjectNode added = addedTokens.addObject();
            added.put("id", specialTokenId(special));
            added.put("content", special);
            added.put("single_word", false);
            added.put("lstrip", false);
            added.put("rstrip", false);
            added.put("normalized", false);
            added.put("special", true);
        }
        root.putNull("normalizer");
        if (individualDigits) {
            ObjectNode sequence = root.putObject("pre_tokenizer");
            sequence.put("type", "Sequence");
            ArrayNode steps = sequence.putArray("pretokenizers");
            steps.addObject().put("type", "Digits").put("individual_digits", true);
            steps.add(byteLevel(true));
        } else {
            root.set("pre_tokenizer", byteLevel(true));
        }
        root.set("post_processor", byteLevel(false));
        root.set("decoder", byteLevel(true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < symbols.size(); id++) {
            vocab.put(symbols.get(id), id);
        }
        // "left right" strings: every tokenizers version reads them (the [left, right] form only from 0.20).
        ArrayNode mergeList = model.putArray("merges");
        merges.forEach(mergeList::add);
        return root;
    }

    /** The GPT-2 settings: no prefix space, GPT-2's split regex; the post-processor leaves offsets alone. */
    private static ObjectNode byteLevel(boolean trimOffsets) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", false);
        node.put("trim_offsets", trimOffsets);
        node.put("use_regex", true);
        return node;
    }

    private ObjectNode tokenizerConfig() {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("add_bos_token", false);
        config.put("add_eos_token", false);
        config.put("add_prefix_space", false);
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        for (String special : specialTokens) {
            ObjectNode added = decoder.putObject(String.valueOf(specialTokenId(special)));
            added.put("content", special);
            added.put("lstrip", false);
            added.put("normalized", false);
            added.put("rstrip", false);
            added.put("single_word", false);
            added.put("special", true);
        }
        ArrayNode additional = config.putArray("additional_special_tokens");
        additionalSpecialTokens().forEach(additional::add);
        config.put("bos_token", bosToken);
        config.put("chat_template", chatTemplate);
        config.put("clean_up_tokenization_spaces", false);
        config.put("eos_token", eosToken);
        config.put("errors", "replace");
        config.put("model_max_length", modelMaxLength);
        config.put("pad_token", padToken);
        config.put("split_special_tokens", false);
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.putNull("unk_token");
        return config;
    }

    private ObjectNode specialTokensMap() {
        ObjectNode map = JsonNodeFactory.instance.objectNode();
        ArrayNode additional = map.putArray("additional_special_tokens");
        additionalSpecialTokens().forEach(additional::add);
        map.put("bos_token", bosToken);
        map.put("eos_token", eosToken);
        map.put("pad_token", padToken);
        return map;
    }

    private List<String> additionalSpecialTokens() {
        return specialTokens.stream()
                .filter(token -> !token.equals(bosToken) && !token.equals(eosToken) && !token.equals(padToken))
                .toList();
    }
}
