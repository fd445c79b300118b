package io.tunestream.llm.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a Hugging Face model directory says about special tokens and the chat template, besides {@code tokenizer.json}:
 * {@code tokenizer_config.json}, {@code generation_config.json}, {@code config.json} and {@code chat_template.jinja}.
 * Every file is optional; absent keys are empty.
 */
record TokenizerSettings(
        Optional<String> bosToken,
        Optional<String> eosToken,
        Optional<String> padToken,
        Optional<String> unkToken,
        Optional<Boolean> addBosToken,
        Optional<Boolean> addEosToken,
        Optional<String> chatTemplate,
        TokenIds generationConfigIds,
        TokenIds modelConfigIds) {

    static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    static final String GENERATION_CONFIG = "generation_config.json";
    static final String MODEL_CONFIG = "config.json";
    /** Newer transformers versions save the template in its own file instead of tokenizer_config.json. */
    static final String CHAT_TEMPLATE_FILE = "chat_template.jinja";

    private static final String DEFAULT_TEMPLATE_NAME = "default";

    TokenizerSettings {
        Objects.requireNonNull(bosToken, "bosToken");
        Objects.requireNonNull(eosToken, "eosToken");
        Objects.requireNonNull(padToken, "padToken");
        Objects.requireNonNull(unkToken, "unkToken");
        Objects.requireNonNull(addBosToken, "addBosToken");
        Objects.requireNonNull(addEosToken, "addEosToken");
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        Objects.requireNonNull(generationConfigIds, "generationConfigIds");
        Objects.requireNonNull(modelConfigIds, "modelConfigIds");
    }

    /** Special-token ids as {@code generation_config.json} and {@code config.json} write them. */
    record TokenIds(Optional<Integer> bos, List<Integer> eos, Optional<Integer> pad) {
        TokenIds {
            Objects.requireNonNull(bos, "bos");
            eos = List.copyOf(eos);
            Objects.requireNonNull(pad, "pad");
        }

        static final TokenIds NONE = new TokenIds(Optional.empty(), List.of(), Optional.empty());
    }

    static TokenizerSettings read(Path modelDirectory, ObjectMapper json) {
        Path tokenizerConfigFile = modelDirectory.resolve(TOKENIZER_CONFIG);
        JsonNode tokenizerConfig = readJson(tokenizerConfigFile, json);
        Optional<String> chatTemplate = chatTemplate(tokenizerConfig, tokenizerConfigFile);
        Path templateFile = modelDirectory.resolve(CHAT_TEMPLATE_FILE);
        if (chatTemplate.isEmpty() && Files.isRegularFile(templateFile)) {
            chatTemplate = Optional.of(readString(templateFile));
        }
        return new TokenizerSettings(
                tokenString(tokenizerConfig, "bos_token", tokenizerConfigFile),
                tokenString(tokenizerConfig, "eos_token", tokenizerConfigFile),
                tokenString(tokenizerConfig, "pad_token", tokenizerConfigFile),
                tokenString(tokenizerConfig, "unk_token", tokenizerConfigFile),
                optionalBoolean(tokenizerConfig, "add_bos_token", tokenizerConfigFile),
                optionalBoolean(tokenizerConfig, "add_eos_token", tokenizerConfigFile),
                chatTemplate,
                tokenIds(modelDirectory.resolve(GENERATION_CONFIG), json),
                tokenIds(modelDirectory.resolve(MODEL_CONFIG), json));
    }

    /** An absent file reads as an empty object, so that every key in it is simply missing. */
    private static JsonNode readJson(Path file, ObjectMapper json) {
        if (!Files.isRegularFile(file)) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(file + " must hold a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Hugging Face writes a special token either as its text or as an AddedToken object {"content": ...}. */
    private static Optional<String> tokenString(JsonNode config, String key, Path file) {
        JsonNode value = config.get(key);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isTextual()) {
            return Optional.of(value.asText());
        }
        if (value.isObject() && value.path("content").isTextual()) {
            return Optional.of(value.get("content").asText());
        }
        throw new IllegalArgumentException(
                file + ": key '" + key + "' must be a string, an object with a string 'content' or null, not " + value);
    }

    private static Optional<Boolean> optionalBoolean(JsonNode config, String key, Path file) {
        JsonNode value = config.get(key);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(file + ": key '" + key + "' must be true, false or null, not " + value);
        }
        return Optional.of(value.asBoolean());
    }

    /** A template is either one string or, in older multi-template checkpoints, a list of {name, template}. */
    private static Optional<String> chatTemplate(JsonNode config, Path file) {
        JsonNode value = config.get("chat_template");
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isTextual()) {
            return Optional.of(value.asText());
        }
        if (value.isArray()) {
            List<String> names = new ArrayList<>();
            for (JsonNode entry : value) {
                String name = entry.path("name").asText("");
                if (DEFAULT_TEMPLATE_NAME.equals(name) && entry.path("template").isTextual()) {
                    return Optional.of(entry.get("template").asText());
                }
                names.add(name);
            }
            throw new IllegalArgumentException(file + ": key 'chat_template' lists templates " + names
                    + " but none named '" + DEFAULT_TEMPLATE_NAME + "' with a string 'template'");
        }
        throw new IllegalArgumentException(file
                + ": key 'chat_template' must be a string or a list of {\"name\", \"template\"} objects, not a "
                + value.getNodeType());
    }

    private static TokenIds tokenIds(Path file, ObjectMapper json) {
        JsonNode config = readJson(file, json);
        if (config.isEmpty()) {
            return TokenIds.NONE;
        }
        JsonNode eos = config.get("eos_token_id");
        List<Integer> eosIds = new ArrayList<>();
        if (eos != null && eos.isArray()) {
            for (JsonNode id : eos) {
                eosIds.add(tokenId(id, file, "eos_token_id"));
            }
        } else if (eos != null && !eos.isNull()) {
            eosIds.add(tokenId(eos, file, "eos_token_id"));
        }
        return new TokenIds(
                optionalTokenId(config, "bos_token_id", file), eosIds, optionalTokenId(config, "pad_token_id", file));
    }

    private static Optional<Integer> optionalTokenId(JsonNode config, String key, Path file) {
        JsonNode value = config.get(key);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(tokenId(value, file, key));
    }

    private static int tokenId(JsonNode value, Path file, String key) {
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 0) {
            throw new IllegalArgumentException(
                    file + ": key '" + key + "' must be a non-negative integer (or a list of them), not " + value);
        }
        return value.asInt();
    }
}
