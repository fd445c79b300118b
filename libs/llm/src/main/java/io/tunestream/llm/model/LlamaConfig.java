package io.tunestream.llm.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hyperparameters of a Llama-family decoder, read from and written to Hugging Face's {@code config.json}.
 * Validates itself and derives what can be derived (head size, query groups), in the spirit of litgpt's config.
 *
 * @param headDim         size of one attention head; Hugging Face's {@code head_dim}, else hidden / heads
 * @param attentionBias   q, k, v (and for Llama also o) projections carry biases
 * @param eosTokenIds     end-of-sequence ids from the config, possibly several; may be empty
 */
public record LlamaConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean tieWordEmbeddings,
        int maxPositionEmbeddings,
        boolean attentionBias,
        boolean outputProjectionBias,
        boolean mlpBias,
        Integer bosTokenId,
        List<Integer> eosTokenIds) {

    public static final String FILE = "config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public LlamaConfig {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("num_key_value_heads", numKvHeads);
        positive("head_dim", headDim);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numHeads
                    + ") must be a multiple of num_key_value_heads (" + numKvHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for rotary embeddings, got " + headDim);
        }
        if (!(rmsNormEps > 0) || !(ropeTheta > 0)) {
            throw new IllegalArgumentException("rms_norm_eps and rope_theta must be positive");
        }
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    /** Query heads that share one key/value head (grouped-query attention). */
    public int queryGroups() {
        return numHeads / numKvHeads;
    }

    /**
     * A small Llama for models trained from scratch: untied embeddings are the norm for Llama, but small models gain
     * most from tying, so tying is on.
     */
    public static LlamaConfig small(
            int vocabSize,
            int hiddenSize,
            int numLayers,
            int numHeads,
            int numKvHeads,
            int intermediateSize,
            int maxPositions) {
        return new LlamaConfig(
                Architecture.LLAMA,
                vocabSize,
                hiddenSize,
                intermediateSize,
                numLayers,
                numHeads,
                numKvHeads,
                hiddenSize / numHeads,
                1e-5,
                10000,
                RopeScaling.NONE,
                true,
                maxPositions,
                false,
                false,
                false,
                null,
                List.of());
    }

    /** This configuration with a vocabulary of {@code size} tokens (after tokens were added to the tokenizer). */
    public LlamaConfig withVocabSize(int size) {
        return new LlamaConfig(
                architecture,
                size,
                hiddenSize,
                intermediateSize,
                numLayers,
                numHeads,
                numKvHeads,
                headDim,
                rmsNormEps,
                ropeTheta,
                ropeScaling,
                tieWordEmbeddings,
                maxPositionEmbeddings,
                attentionBias,
                outputProjectionBias,
                mlpBias,
                bosTokenId,
                eosTokenIds);
    }

    public LlamaConfig withSpecialTokens(Integer bosTokenId, List<Integer> eosTokenIds) {
        return new LlamaConfig(
                architecture,
                vocabSize,
                hiddenSize,
                intermediateSize,
                numLayers,
                numHeads,
                numKvHeads,
                headDim,
                rmsNormEps,
                ropeTheta,
                ropeScaling,
                tieWordEmbeddings,
                maxPositionEmbeddings,
                attentionBias,
                outputProjectionBias,
                mlpBias,
                bosTokenId,
                eosTokenIds);
    }

    public static LlamaConfig read(Path modelDirectory) {
        Path file = modelDirectory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(modelDirectory + ": missing " + FILE + " (a Hugging Face model directory"
                    + " holds config.json and model.safetensors)");
        }
        try {
            return fromJson(JSON.readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new CheckpointException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    public static LlamaConfig fromJson(JsonNode json, String where) {
        JsonNode architectures = json.get("architectures");
        if (architectures == null || !architectures.isArray() || architectures.isEmpty()) {
            throw new CheckpointException(
                    where + ": missing \"architectures\" (supported: LlamaForCausalLM," + " Qwen2ForCausalLM)");
        }
        Architecture architecture = Architecture.of(architectures.get(0).asText(), where);
        String activation =
                json.hasNonNull("hidden_act") ? json.get("hidden_act").asText() : "silu";
        if (!activation.equals("silu")) {
            throw new CheckpointException(
                    where + ": hidden_act \"" + activation + "\" is not supported (supported: silu)");
        }
        if (json.path("use_sliding_window").asBoolean(false)) {
            throw new CheckpointException(where + ": use_sliding_window true is not supported (supported: false)");
        }
        int hidden = requiredInt(json, "hidden_size", where);
        int heads = requiredInt(json, "num_attention_heads", where);
        JsonNode headDimNode = json.get("head_dim");
        int headDim = headDimNode == null || headDimNode.isNull() ? hidden / heads : headDimNode.asInt();
        if ((headDimNode == null || headDimNode.isNull()) && hidden % heads != 0) {
            throw new CheckpointException(where + ": hidden_size " + hidden + " is not divisible by"
                    + " num_attention_heads " + heads + " and no head_dim is given");
        }
        boolean qkvBias = architecture == Architecture.QWEN2
                || json.path("attention_bias").asBoolean(false);
        boolean outputBias = architecture == Architecture.LLAMA
                && json.path("attention_bias").asBoolean(false);
        try {
            return new LlamaConfig(
                    architecture,
                    requiredInt(json, "vocab_size", where),
                    hidden,
                    requiredInt(json, "intermediate_size", where),
                    requiredInt(json, "num_hidden_layers", where),
                    heads,
                    json.has("num_key_value_heads")
                                    && !json.get("num_key_value_heads").isNull()
                            ? json.get("num_key_value_heads").asInt()
                            : heads,
                    headDim,
                    json.path("rms_norm_eps").asDouble(1e-6),
                    ropeTheta(json),
                    RopeScaling.fromJson(
                            json.hasNonNull("rope_scaling") ? json.get("rope_scaling") : json.get("rope_parameters"),
                            where),
                    json.path("tie_word_embeddings").asBoolean(false),
                    json.path("max_position_embeddings").asInt(architecture == Architecture.QWEN2 ? 32768 : 2048),
                    qkvBias,
                    outputBias,
                    architecture == Architecture.LLAMA && json.path("mlp_bias").asBoolean(false),
                    json.hasNonNull("bos_token_id") ? json.get("bos_token_id").asInt() : null,
                    ids(json.get("eos_token_id")));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + ": " + e.getMessage(), e);
        }
    }

    /** {@code rope_theta}, or inside {@code rope_parameters} as newer transformers releases write it. */
    private static double ropeTheta(JsonNode json) {
        if (json.hasNonNull("rope_theta")) {
            return json.get("rope_theta").asDouble();
        }
        return json.path("rope_parameters").path("rope_theta").asDouble(10000);
    }

    private static int requiredInt(JsonNode json, String key, String where) {
        JsonNode value = json.get(key);
        if (value == null || !value.canConvertToInt()) {
            throw new CheckpointException(where + ": missing integer \"" + key + "\"");
        }
        return value.asInt();
    }

    private static List<Integer> ids(JsonNode node) {
        List<Integer> ids = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ids;
        }
        if (node.isArray()) {
            node.forEach(id -> ids.add(id.asInt()));
        } else {
            ids.add(node.asInt());
        }
        return ids;
    }

    /** {@code config.json} as Hugging Face transformers writes it for this architecture. */
    public ObjectNode toJson(String torchDtype) {
        ObjectNode json = JSON.createObjectNode();
        json.putArray("architectures").add(architecture.className());
        json.put("model_type", architecture.modelType());
        json.put("vocab_size", vocabSize);
        json.put("hidden_size", hiddenSize);
        json.put("intermediate_size", intermediateSize);
        json.put("num_hidden_layers", numLayers);
        json.put("num_attention_heads", numHeads);
        json.put("num_key_value_heads", numKvHeads);
        json.put("head_dim", headDim);
        json.put("hidden_act", "silu");
        json.put("rms_norm_eps", rmsNormEps);
        json.put("rope_theta", ropeTheta);
        if (ropeScaling.type().equals("default")) {
            json.putNull("rope_scaling");
        } else {
            ObjectNode scaling = json.putObject("rope_scaling");
            scaling.put("rope_type", ropeScaling.type());
            scaling.put("factor", ropeScaling.factor());
            if (ropeScaling.type().equals("llama3")) {
                scaling.put("low_freq_factor", ropeScaling.lowFreqFactor());
                scaling.put("high_freq_factor", ropeScaling.highFreqFactor());
                scaling.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
            }
        }
        json.put("tie_word_embeddings", tieWordEmbeddings);
        json.put("max_position_embeddings", maxPositionEmbeddings);
        if (architecture == Architecture.LLAMA) {
            json.put("attention_bias", attentionBias);
            json.put("mlp_bias", mlpBias);
        } else {
            json.put("use_sliding_window", false);
            json.put("sliding_window", maxPositionEmbeddings);
            json.put("max_window_layers", numLayers);
        }
        if (bosTokenId != null) {
            json.put("bos_token_id", bosTokenId);
        }
        if (eosTokenIds.size() == 1) {
            json.put("eos_token_id", eosTokenIds.get(0));
        } else if (!eosTokenIds.isEmpty()) {
            eosTokenIds.forEach(json.putArray("eos_token_id")::add);
        }
        json.put("torch_dtype", torchDtype);
        json.put("use_cache", true);
        return json;
    }
}
