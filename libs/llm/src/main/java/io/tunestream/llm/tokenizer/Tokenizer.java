package io.tunestream.llm.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A Hugging Face tokenizer loaded from a model directory, backed by the Rust {@code tokenizers} library through DJL.
 *
 * <p>{@link #load(Path)} reads {@code tokenizer.json} and the special tokens and chat template that
 * {@code tokenizer_config.json}, {@code generation_config.json} and {@code config.json} declare. The tokenizer neither
 * pads nor truncates: callers get exactly the ids of their text.
 *
 * <p>Encoding and decoding are safe from many threads at once (the native tokenizer is immutable after loading);
 * {@link #close()} must come after every call has returned.
 */
public final class Tokenizer implements AutoCloseable {

    static final String TOKENIZER_FILE = "tokenizer.json";

    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> tokenIds;
    private final Map<Integer, String> tokens;
    private final OptionalInt bosTokenId;
    private final int[] eosTokenIds;
    private final OptionalInt padTokenId;
    private final Optional<String> bosToken;
    private final Optional<String> eosToken;
    private final Optional<String> chatTemplate;
    private final SpecialTokenAdjustment adjustment;

    private Tokenizer(
            HuggingFaceTokenizer tokenizer,
            Map<String, Integer> tokenIds,
            TokenizerSettings settings,
            Path modelDirectory) {
        this.tokenizer = tokenizer;
        this.tokenIds = tokenIds;
        this.tokens = new HashMap<>();
        tokenIds.forEach((token, id) -> tokens.putIfAbsent(id, token));
        Path tokenizerConfig = modelDirectory.resolve(TokenizerSettings.TOKENIZER_CONFIG);
        TokenizerSettings.TokenIds generation = settings.generationConfigIds();
        TokenizerSettings.TokenIds model = settings.modelConfigIds();

        this.bosTokenId = firstPresent(
                idOfConfiguredToken(settings.bosToken(), "bos_token", tokenizerConfig), generation.bos(), model.bos());
        this.padTokenId = firstPresent(
                idOfConfiguredToken(settings.padToken(), "pad_token", tokenizerConfig), generation.pad(), model.pad());
        // Chat checkpoints stop on several tokens (e.g. <|im_end|> and <|endoftext|>): the tokenizer's eos first,
        // then generation_config's list; config.json only when neither names one.
        Set<Integer> eos = new LinkedHashSet<>();
        idOfConfiguredToken(settings.eosToken(), "eos_token", tokenizerConfig).ifPresent(eos::add);
        eos.addAll(generation.eos());
        if (eos.isEmpty()) {
            eos.addAll(model.eos());
        }
        this.eosTokenIds = eos.stream().mapToInt(Integer::intValue).toArray();
        this.bosToken = settings.bosToken().or(() -> tokenOf(bosTokenId));
        this.eosToken = settings.eosToken()
                .or(() -> tokenOf(eosTokenIds.length == 0 ? OptionalInt.empty() : OptionalInt.of(eosTokenIds[0])));
        this.chatTemplate = settings.chatTemplate();
        this.adjustment = SpecialTokenAdjustment.probe(this, settings);
    }

    /**
     * Loads the tokenizer of a Hugging Face model directory, without any network access.
     *
     * @param modelDirectory a directory holding {@code tokenizer.json} and optionally {@code tokenizer_config.json},
     *                       {@code generation_config.json}, {@code config.json}, {@code chat_template.jinja}
     * @throws IllegalArgumentException when {@code tokenizer.json} is missing or a config file holds a malformed key
     */
    public static Tokenizer load(Path modelDirectory) {
        Path tokenizerFile = modelDirectory.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new IllegalArgumentException("model directory " + modelDirectory + " has no " + TOKENIZER_FILE
                    + " (looked for " + tokenizerFile + "); only Hugging Face fast tokenizers are supported");
        }
        ObjectMapper json = new ObjectMapper();
        byte[] tokenizerJson;
        try {
            tokenizerJson = Files.readAllBytes(tokenizerFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerFile + ": " + e.getMessage(), e);
        }
        Map<String, Integer> tokenIds = readVocabulary(tokenizerJson, tokenizerFile, json);
        TokenizerSettings settings = TokenizerSettings.read(modelDirectory, json);
        HuggingFaceTokenizer nativeTokenizer = openNative(tokenizerJson, tokenizerFile);
        try {
            return new Tokenizer(nativeTokenizer, tokenIds, settings, modelDirectory);
        } catch (RuntimeException e) {
            nativeTokenizer.close();
            throw e;
        }
    }

    /**
     * Loads from the JSON text rather than the path: DJL's path-based loaders also read tokenizer_config.json and
     * would then pad and truncate to its model_max_length, which a training and generation engine must not.
     */
    private static HuggingFaceTokenizer openNative(byte[] tokenizerJson, Path tokenizerFile) {
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "truncation", "false",
                "padding", "false");
        try {
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), options);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot load " + tokenizerFile + ": " + e.getMessage(), e);
        }
    }

    /** The model's vocabulary plus the added tokens: BPE, WordPiece and WordLevel map tokens to ids, Unigram lists. */
    private static Map<String, Integer> readVocabulary(byte[] tokenizerJson, Path tokenizerFile, ObjectMapper json) {
        JsonNode root;
        try {
            root = json.readTree(tokenizerJson);
        } catch (IOException e) {
            throw new IllegalArgumentException(tokenizerFile + " is not valid JSON: " + e.getMessage(), e);
        }
        JsonNode vocab = root.path("model").path("vocab");
        Map<String, Integer> tokenIds = new HashMap<>();
        if (vocab.isObject()) {
            vocab.fields()
                    .forEachRemaining(entry ->
                            tokenIds.put(entry.getKey(), entry.getValue().asInt()));
        } else if (vocab.isArray()) {
            for (int id = 0; id < vocab.size(); id++) {
                tokenIds.put(vocab.get(id).path(0).asText(), id);
            }
        } else {
            throw new IllegalArgumentException(tokenizerFile
                    + ": key 'model.vocab' must be an object of token to id or a list of [token, score] pairs");
        }
        for (JsonNode added : root.path("added_tokens")) {
            tokenIds.put(added.path("content").asText(), added.path("id").asInt());
        }
        return Map.copyOf(tokenIds);
    }

    private OptionalInt idOfConfiguredToken(Optional<String> token, String key, Path file) {
        if (token.isEmpty()) {
            return OptionalInt.empty();
        }
        Integer id = tokenIds.get(token.get());
        if (id == null) {
            throw new IllegalArgumentException(file + ": key '" + key + "' names token '" + token.get()
                    + "', which is neither in the vocabulary nor an added token of " + TOKENIZER_FILE);
        }
        return OptionalInt.of(id);
    }

    @SafeVarargs
    private static OptionalInt firstPresent(OptionalInt fromTokenizerConfig, Optional<Integer>... fallbacks) {
        if (fromTokenizerConfig.isPresent()) {
            return fromTokenizerConfig;
        }
        for (Optional<Integer> fallback : fallbacks) {
            if (fallback.isPresent()) {
                return OptionalInt.of(fallback.get());
            }
        }
        return OptionalInt.empty();
    }

    private Optional<String> tokenOf(OptionalInt id) {
        return id.isPresent() ? Optional.ofNullable(tokens.get(id.getAsInt())) : Optional.empty();
    }

    /** Encodes with the special tokens the tokenizer adds by itself (its post-processor, e.g. a leading BOS). */
    public int[] encode(String text) {
        return encode(text, true);
    }

    /**
     * Encodes text; special tokens written in the text (such as {@code <|im_start|>}) always become their single ids.
     *
     * @param addSpecialTokens whether to add the tokens the post-processor adds around a sequence, adjusted by
     *                         {@code add_bos_token}/{@code add_eos_token} of {@code tokenizer_config.json} as
     *                         transformers does; pass false for text rendered by a chat template, which already
     *                         contains them
     */
    public int[] encode(String text, boolean addSpecialTokens) {
        int[] ids = encodeByPostProcessor(text, addSpecialTokens);
        return addSpecialTokens ? adjustment.apply(ids) : ids;
    }

    int[] encodeByPostProcessor(String text, boolean addSpecialTokens) {
        long[] ids = tokenizer.encode(text, addSpecialTokens, false).getIds();
        return Arrays.stream(ids).mapToInt(Math::toIntExact).toArray();
    }

    /** Decodes all ids, special tokens included (as transformers' {@code decode} does by default). */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    public String decode(int[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), skipSpecialTokens);
    }

    /** A decoder for one generated sequence, fed token by token; see {@link IncrementalDecoder}. */
    public IncrementalDecoder incrementalDecoder(boolean skipSpecialTokens) {
        return new IncrementalDecoder(this, skipSpecialTokens);
    }

    /** The number of distinct tokens, added tokens included (transformers' {@code len(tokenizer)}). */
    public int vocabSize() {
        return tokenIds.size();
    }

    /**
     * The id of a token as the vocabulary spells it (byte-level vocabularies write a leading space as {@code Ġ}).
     *
     * @throws IllegalArgumentException when the token is not in the vocabulary
     */
    public int tokenToId(String token) {
        Integer id = tokenIds.get(token);
        if (id == null) {
            throw new IllegalArgumentException("token '" + token + "' is not in the vocabulary");
        }
        return id;
    }

    /**
     * The vocabulary's spelling of a token id.
     *
     * @throws IllegalArgumentException when no token has this id
     */
    public String idToToken(int id) {
        String token = tokens.get(id);
        if (token == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary of " + vocabSize());
        }
        return token;
    }

    public OptionalInt bosTokenId() {
        return bosTokenId;
    }

    /** Every id that ends generation, the tokenizer's eos first; empty when the checkpoint names none. */
    public int[] eosTokenIds() {
        return eosTokenIds.clone();
    }

    public OptionalInt padTokenId() {
        return padTokenId;
    }

    public Optional<String> bosToken() {
        return bosToken;
    }

    public Optional<String> eosToken() {
        return eosToken;
    }

    /** The checkpoint's own Jinja chat template, if it has one. */
    public Optional<String> chatTemplate() {
        return chatTemplate;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /**
     * transformers' Llama-style fast tokenizers rebuild their post-processor from {@code add_bos_token} and
     * {@code add_eos_token}, overriding what {@code tokenizer.json} says; this reproduces that on top of the
     * post-processor's own output.
     */
    private record SpecialTokenAdjustment(
            OptionalInt prependBos, OptionalInt appendEos, boolean dropBos, boolean dropEos) {

        static SpecialTokenAdjustment probe(Tokenizer tokenizer, TokenizerSettings settings) {
            OptionalInt bos = tokenizer.bosTokenId;
            OptionalInt eos =
                    tokenizer.eosTokenIds.length == 0 ? OptionalInt.empty() : OptionalInt.of(tokenizer.eosTokenIds[0]);
            // What the post-processor adds shows in the difference between a plain and a special encoding.
            int[] plain = tokenizer.encodeByPostProcessor("a", false);
            int[] special = tokenizer.encodeByPostProcessor("a", true);
            boolean addsBos = bos.isPresent() && special.length > plain.length && special[0] == bos.getAsInt();
            boolean addsEos =
                    eos.isPresent() && special.length > plain.length && special[special.length - 1] == eos.getAsInt();
            boolean wantsBos = settings.addBosToken().orElse(addsBos) && bos.isPresent();
            boolean wantsEos = settings.addEosToken().orElse(addsEos) && eos.isPresent();
            return new SpecialTokenAdjustment(
                    wantsBos && !addsBos ? bos : OptionalInt.empty(),
                    wantsEos && !addsEos ? eos : OptionalInt.empty(),
                    addsBos && !wantsBos,
                    addsEos && !wantsEos);
        }

        int[] apply(int[] ids) {
            int from = dropBos && ids.length > 0 ? 1 : 0;
            int to = dropEos && ids.length > from ? ids.length - 1 : ids.length;
            int prefix = prependBos.isPresent() ? 1 : 0;
            int suffix = appendEos.isPresent() ? 1 : 0;
            if (from == 0 && to == ids.length && prefix == 0 && suffix == 0) {
                return ids;
            }
            int[] adjusted = new int[prefix + (to - from) + suffix];
            prependBos.ifPresent(id -> adjusted[0] = id);
            System.arraycopy(ids, from, adjusted, prefix, to - from);
            appendEos.ifPresent(id -> adjusted[adjusted.length - 1] = id);
            return adjusted;
        }
    }
}
