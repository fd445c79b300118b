package io.tunestream.llm.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import io.tunestream.llm.checkpoint.CheckpointException;
import io.tunestream.llm.checkpoint.CheckpointFiles;
import io.tunestream.llm.checkpoint.CheckpointWriter;
import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.checkpoint.Tensor;
import io.tunestream.llm.checkpoint.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A Llama-family decoder-only transformer ({@code LlamaForCausalLM}, {@code Qwen2ForCausalLM}) with Hugging Face
 * semantics: pre-norm RMSNorm blocks, rotary embeddings (rotate-half), grouped-query attention, SwiGLU MLP, tied or
 * untied LM head. Dimensions: B batch, T new tokens, S keys (cached + new), D hidden, H query heads, KV key/value
 * heads, G = H / KV query groups, hd head size, V vocabulary.
 *
 * <p>The forward pass only combines tensors (no Java-scalar overloads), so it is safe to differentiate. Weights live
 * in the model's own manager; intermediate arrays belong to the caller's scope.
 */
public final class LlamaModel implements AutoCloseable {

    /** Added to the attention scores of masked positions; large enough that exp() underflows to exactly 0. */
    private static final float MASKED = -1e9f;

    private final LlamaConfig config;
    private final NDManager manager;
    private final NDArray embedTokens; // (V, D)
    private TokenRows trainedTokenRows; // rows of new tokens that train apart from the frozen rest, or null
    private final List<DecoderLayer> layers;
    private final NDArray finalNorm; // (D)
    private NDArray lmHead; // (V, D); the embedding matrix itself when tied
    private final RotaryEmbedding rotary;
    private final NDArray normEps; // () scalar constants kept as tensors (see class comment)
    private final NDArray attentionScale; // ()

    private LlamaModel(LlamaConfig config, NDManager manager, Map<String, NDArray> weights) {
        this.config = config;
        this.manager = manager;
        this.embedTokens = weights.get("model.embed_tokens.weight");
        this.finalNorm = weights.get("model.norm.weight");
        this.lmHead = config.tieWordEmbeddings() ? embedTokens : weights.get("lm_head.weight");
        List<DecoderLayer> decoderLayers = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            decoderLayers.add(new DecoderLayer(i, weights));
        }
        this.layers = Collections.unmodifiableList(decoderLayers);
        this.rotary = new RotaryEmbedding(manager, config);
        this.normEps = manager.create((float) config.rmsNormEps());
        this.attentionScale = manager.create((float) (1.0 / Math.sqrt(config.headDim())));
        // The model outlives any NDScope its loader may have open.
        weights.values().forEach(NDScope::unregister);
        NDScope.unregister(normEps, attentionScale);
    }

    /** Loads a Hugging Face model directory ({@code config.json} + safetensors) into a new manager of the engine. */
    public static LlamaModel load(Path directory) {
        return load(directory, Engine.getInstance().newBaseManager());
    }

    /** Loads into {@code manager}, which the model then owns and closes. */
    public static LlamaModel load(Path directory, NDManager manager) {
        LlamaConfig config = LlamaConfig.read(directory);
        Map<String, NDArray> weights = new LinkedHashMap<>();
        try (CheckpointFiles files = CheckpointFiles.open(directory)) {
            Map<String, long[]> expected = expectedShapes(config);
            List<String> missing = expected.keySet().stream()
                    .filter(name -> !files.contains(name))
                    .toList();
            if (!missing.isEmpty()) {
                throw new CheckpointException(directory + ": missing tensors for "
                        + config.architecture().className() + " with " + config.numLayers() + " layers: "
                        + abbreviate(missing));
            }
            for (Map.Entry<String, long[]> entry : expected.entrySet()) {
                TensorInfo info = files.info(entry.getKey());
                if (!Arrays.equals(info.shape(), entry.getValue())) {
                    throw new CheckpointException(info.file() + ": tensor \"" + info.name() + "\" has shape "
                            + info.shapeText() + " but config.json implies " + Arrays.toString(entry.getValue()));
                }
                weights.put(
                        entry.getKey(), manager.create(files.readFloats(entry.getKey()), new Shape(entry.getValue())));
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new LlamaModel(config, manager, weights);
    }

    /** A model from weights held in Java memory, named as in Hugging Face checkpoints. */
    public static LlamaModel fromTensors(LlamaConfig config, Map<String, Tensor> tensors, NDManager manager) {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : expectedShapes(config).entrySet()) {
            Tensor tensor = tensors.get(entry.getKey());
            if (tensor == null || !Arrays.equals(tensor.shape(), entry.getValue())) {
                manager.close();
                throw new IllegalArgumentException(
                        "tensor \"" + entry.getKey() + "\" must have shape " + Arrays.toString(entry.getValue()));
            }
            weights.put(entry.getKey(), manager.create(tensor.data(), new Shape(entry.getValue())));
        }
        return new LlamaModel(config, manager, weights);
    }

    /**
     * A freshly initialised model for training from scratch, as Hugging Face initialises Llama: normal weights with
     * standard deviation 0.02, zero biases, unit norms. Deterministic for a seed.
     */
    public static LlamaModel initialize(LlamaConfig config, long seed, NDManager manager) {
        Random random = new Random(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : expectedShapes(config).entrySet()) {
            long[] shape = entry.getValue();
            float[] data = new float[(int) Arrays.stream(shape).reduce(1, Math::multiplyExact)];
            String name = entry.getKey();
            if (name.endsWith("norm.weight")) {
                Arrays.fill(data, 1f);
            } else if (!name.endsWith(".bias")) {
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (random.nextGaussian() * 0.02);
                }
            }
            tensors.put(name, new Tensor(shape, data));
        }
        return fromTensors(config, tensors, manager);
    }

    /** Every tensor the checkpoint must hold, with its shape, in a stable order. */
    static Map<String, long[]> expectedShapes(LlamaConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        long d = c.hiddenSize();
        long qSize = (long) c.numHeads() * c.headDim();
        long kvSize = (long) c.numKvHeads() * c.headDim();
        shapes.put("model.embed_tokens.weight", new long[] {c.vocabSize(), d});
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {d});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {qSize, d});
            shapes.put(p + "self_attn.k_proj.weight", new long[] {kvSize, d});
            shapes.put(p + "self_attn.v_proj.weight", new long[] {kvSize, d});
            shapes.put(p + "self_attn.o_proj.weight", new long[] {d, qSize});
            if (c.attentionBias()) {
                shapes.put(p + "self_attn.q_proj.bias", new long[] {qSize});
                shapes.put(p + "self_attn.k_proj.bias", new long[] {kvSize});
                shapes.put(p + "self_attn.v_proj.bias", new long[] {kvSize});
            }
            if (c.outputProjectionBias()) {
                shapes.put(p + "self_attn.o_proj.bias", new long[] {d});
            }
            shapes.put(p + "post_attention_layernorm.weight", new long[] {d});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {c.intermediateSize(), d});
            shapes.put(p + "mlp.up_proj.weight", new long[] {c.intermediateSize(), d});
            shapes.put(p + "mlp.down_proj.weight", new long[] {d, c.intermediateSize()});
            if (c.mlpBias()) {
                shapes.put(p + "mlp.gate_proj.bias", new long[] {c.intermediateSize()});
                shapes.put(p + "mlp.up_proj.bias", new long[] {c.intermediateSize()});
                shapes.put(p + "mlp.down_proj.bias", new long[] {d});
            }
        }
        shapes.put("model.norm.weight", new long[] {d});
        if (!c.tieWordEmbeddings()) {
            shapes.put("lm_head.weight", new long[] {c.vocabSize(), d});
        }
        return shapes;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 8 ? names.toString() : names.subList(0, 8) + " and " + (names.size() - 8) + " more";
    }

    public LlamaConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    /**
     * Logits of a batch.
     *
     * @param inputIds    (B, T) int64 token ids
     * @param leftPadding per row, how many of the first tokens of this chunk are padding; only the first chunk of a
     *                    cached sequence may be padded, later chunks pass zeros (or null)
     * @param cache       keys and values of earlier chunks, updated in place; null to run without a cache
     * @param lastOnly    compute the LM head for the last position only (what decoding needs)
     * @return (B, T, V) logits, or (B, 1, V) when {@code lastOnly}
     */
    public NDArray forward(NDArray inputIds, int[] leftPadding, KvCache cache, boolean lastOnly) {
        Shape shape = inputIds.getShape();
        int batch = (int) shape.get(0);
        int steps = (int) shape.get(1);
        int[] padding = leftPadding == null ? new int[batch] : leftPadding;
        if (padding.length != batch) {
            throw new IllegalArgumentException("leftPadding has " + padding.length + " rows, input has " + batch);
        }
        int past = 0;
        int[] firstValid = padding;
        if (cache != null) {
            if (cache.batchSize() != batch) {
                throw new IllegalArgumentException("cache holds " + cache.batchSize() + " rows, input has " + batch);
            }
            if (cache.length() == 0) {
                cache.setLeftPadding(padding);
            } else if (Arrays.stream(padding).anyMatch(p -> p != 0)) {
                throw new IllegalArgumentException("only the first chunk of a cached batch may be padded");
            }
            past = cache.length();
            firstValid = new int[batch];
            for (int b = 0; b < batch; b++) {
                firstValid[b] = cache.firstValid(b);
            }
            cache.reserve(steps);
        }
        NDManager scope = inputIds.getManager();
        NDArray positionIds = scope.create(positionIds(firstValid, past, steps), new Shape(batch, steps));
        NDArray mask = scope.create(additiveMask(firstValid, past, steps), new Shape(batch, 1, steps, past + steps));
        NDList cosSin = rotary.cosSin(positionIds, past + steps);

        NDArray embedding = trainedTokenRows == null ? embedTokens : trainedTokenRows.embedding(scope); // (V, D)
        // The engine's embedding op, not indexing: the backward pass of tensor indexing adds rows with atomic
        // float additions across threads, whose order (hence rounding) changes from run to run; the embedding
        // backward sums in a fixed order, so a seeded run repeats exactly.
        NDArray x = embedding
                .getNDArrayInternal()
                .embedding(inputIds, embedding, SparseFormat.DENSE)
                .singletonOrThrow();
        for (DecoderLayer layer : layers) {
            x = throughLayer(layer, x, cosSin, mask, cache);
        }
        if (cache != null) {
            cache.advance(steps);
        }
        if (lastOnly) {
            x = x.get(":, -1:, :"); // (B, 1, D)
        }
        x = rmsNorm(x, finalNorm);
        NDArray head = trainedTokenRows == null
                ? lmHead
                : config.tieWordEmbeddings() ? embedding : trainedTokenRows.head(scope);
        return DenseLinear.project(x, head, null); // (B, T, V)
    }

    /**
     * Runs one block and frees its intermediates at once instead of at the end of the caller's scope, which bounds
     * memory by one layer's activations. Autograd keeps its own references to what backward needs, so this is safe
     * when training too.
     */
    private static NDArray throughLayer(DecoderLayer layer, NDArray x, NDList cosSin, NDArray mask, KvCache cache) {
        NDArray output;
        try (NDScope layerScope = new NDScope()) {
            output = layer.forward(x, cosSin.get(0), cosSin.get(1), mask, cache);
            NDScope.unregister(output);
        }
        NDScope.register(output);
        return output;
    }

    private static long[] positionIds(int[] firstValid, int past, int steps) {
        long[] positions = new long[firstValid.length * steps];
        for (int b = 0; b < firstValid.length; b++) {
            for (int t = 0; t < steps; t++) {
                positions[b * steps + t] = Math.max(0, past + t - firstValid[b]);
            }
        }
        return positions;
    }

    /** (B, 1, T, S): key j is visible from the query at absolute column past + t iff firstValid[b] <= j <= past + t. */
    private static float[] additiveMask(int[] firstValid, int past, int steps) {
        int keys = past + steps;
        float[] mask = new float[firstValid.length * steps * keys];
        for (int b = 0; b < firstValid.length; b++) {
            for (int t = 0; t < steps; t++) {
                int row = (b * steps + t) * keys;
                int lastVisible = past + t;
                for (int j = 0; j < keys; j++) {
                    mask[row + j] = j >= firstValid[b] && j <= lastVisible ? 0f : MASKED;
                }
            }
        }
        return mask;
    }

    /** {@code weight * x / sqrt(mean(x^2) + eps)} over the last axis, in F32. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        return x.div(meanSquare.add(normEps).sqrt()).mul(weight);
    }

    /** One pre-norm transformer block: attention then SwiGLU MLP, each added to the residual stream. */
    final class DecoderLayer {
        private final int index;
        private final NDArray inputNorm; // (D)
        private final NDArray postAttentionNorm; // (D)
        private Linear queries; // D -> H*hd
        private Linear keys; // D -> KV*hd
        private Linear values; // D -> KV*hd
        private Linear output; // H*hd -> D
        private Linear gate; // D -> I
        private Linear up; // D -> I
        private Linear down; // I -> D

        private DecoderLayer(int index, Map<String, NDArray> w) {
            String p = "model.layers." + index + ".";
            inputNorm = w.get(p + "input_layernorm.weight");
            postAttentionNorm = w.get(p + "post_attention_layernorm.weight");
            queries = dense(w, p + "self_attn.q_proj");
            keys = dense(w, p + "self_attn.k_proj");
            values = dense(w, p + "self_attn.v_proj");
            output = dense(w, p + "self_attn.o_proj");
            gate = dense(w, p + "mlp.gate_proj");
            up = dense(w, p + "mlp.up_proj");
            down = dense(w, p + "mlp.down_proj");
            this.index = index;
        }

        Linear linear(String projection) {
            return switch (projection) {
                case "self_attn.q_proj" -> queries;
                case "self_attn.k_proj" -> keys;
                case "self_attn.v_proj" -> values;
                case "self_attn.o_proj" -> output;
                case "mlp.gate_proj" -> gate;
                case "mlp.up_proj" -> up;
                case "mlp.down_proj" -> down;
                default ->
                    throw new IllegalArgumentException("no projection \"" + projection + "\" (one of"
                            + " self_attn.{q,k,v,o}_proj, mlp.{gate,up,down}_proj)");
            };
        }

        void setLinear(String projection, Linear replacement) {
            linear(projection);
            switch (projection) {
                case "self_attn.q_proj" -> queries = replacement;
                case "self_attn.k_proj" -> keys = replacement;
                case "self_attn.v_proj" -> values = replacement;
                case "self_attn.o_proj" -> output = replacement;
                case "mlp.gate_proj" -> gate = replacement;
                case "mlp.up_proj" -> up = replacement;
                default -> down = replacement;
            }
        }

        NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray mask, KvCache cache) {
            NDArray h = x.add(attention(rmsNorm(x, inputNorm), cos, sin, mask, cache));
            NDArray n = rmsNorm(h, postAttentionNorm);
            NDArray swiGlu = silu(gate.forward(n)).mul(up.forward(n)); // (B, T, I)
            return h.add(down.forward(swiGlu));
        }

        private NDArray attention(NDArray x, NDArray cos, NDArray sin, NDArray mask, KvCache cache) {
            long batch = x.getShape().get(0);
            long steps = x.getShape().get(1);
            int heads = config.numHeads();
            int kvHeads = config.numKvHeads();
            int headDim = config.headDim();
            NDArray q = queries.forward(x).reshape(batch, steps, heads, headDim).transpose(0, 2, 1, 3); // (B, H, T, hd)
            NDArray k = keys.forward(x).reshape(batch, steps, kvHeads, headDim).transpose(0, 2, 1, 3); // (B, KV, T, hd)
            NDArray v =
                    values.forward(x).reshape(batch, steps, kvHeads, headDim).transpose(0, 2, 1, 3); // (B, KV, T, hd)
            q = rotary.apply(q, cos, sin);
            k = rotary.apply(k, cos, sin);
            if (cache != null) {
                NDArray[] cached = cache.update(index, k, v);
                k = cached[0]; // (B, KV, S, hd)
                v = cached[1];
            }
            long keysLength = k.getShape().get(2);
            // Query head h reads key/value head h / G (Hugging Face's repeat_kv): grouping the G heads of one
            // key/value head into the row axis lets one batched matmul serve them without copying keys G times.
            int groups = config.queryGroups();
            NDArray grouped = q.reshape(batch, kvHeads, groups * steps, headDim); // (B, KV, G*T, hd)
            NDArray scores = grouped.matMul(k.transpose(0, 1, 3, 2))
                    .mul(attentionScale) // (B, KV, G*T, S)
                    .reshape(batch, heads, steps, keysLength) // (B, H, T, S)
                    .add(mask);
            NDArray probabilities = scores.softmax(-1).reshape(batch, kvHeads, groups * steps, keysLength);
            NDArray context = probabilities
                    .matMul(v) // (B, KV, G*T, hd)
                    .reshape(batch, heads, steps, headDim)
                    .transpose(0, 2, 1, 3) // (B, T, H, hd)
                    .reshape(batch, steps, (long) heads * headDim);
            return output.forward(context); // (B, T, D)
        }
    }

    private static Linear dense(Map<String, NDArray> w, String prefix) {
        return new DenseLinear(w.get(prefix + ".weight"), w.get(prefix + ".bias"));
    }

    private static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /**
     * A copy of this model with a vocabulary of {@code vocabSize} tokens: the new rows of the embedding (and of an untied
     * LM head) start at the mean of the existing rows, so a new token begins as an average token instead of noise that
     * the head would score arbitrarily (the {@code mean_resizing} of transformers' {@code resize_token_embeddings}).
     */
    public LlamaModel withVocabularySize(int vocabSize, NDManager newManager) {
        int oldSize = config.vocabSize();
        if (vocabSize < oldSize) {
            newManager.close();
            throw new IllegalArgumentException(
                    "the vocabulary can only grow: the model has " + oldSize + " tokens, asked for " + vocabSize);
        }
        Map<String, Tensor> tensors = toTensors();
        tensors.computeIfPresent("model.embed_tokens.weight", (name, rows) -> withMeanRows(rows, vocabSize));
        tensors.computeIfPresent("lm_head.weight", (name, rows) -> withMeanRows(rows, vocabSize));
        return fromTensors(config.withVocabSize(vocabSize), tensors, newManager);
    }

    private static Tensor withMeanRows(Tensor rows, int vocabSize) {
        int oldSize = (int) rows.shape()[0];
        int width = (int) rows.shape()[1];
        float[] data = Arrays.copyOf(rows.data(), vocabSize * width);
        double[] mean = new double[width];
        for (int row = 0; row < oldSize; row++) {
            for (int column = 0; column < width; column++) {
                mean[column] += data[row * width + column];
            }
        }
        for (int row = oldSize; row < vocabSize; row++) {
            for (int column = 0; column < width; column++) {
                data[row * width + column] = (float) (mean[column] / oldSize);
            }
        }
        return new Tensor(new long[] {vocabSize, width}, data);
    }

    /**
     * Makes the embedding rows (and untied LM-head rows) of tokens {@code firstRow} and up trainable on their own,
     * leaving the rows before frozen: how new tokens learn under LoRA, whose base is otherwise frozen. The forward pass
     * then joins the frozen and the trained rows, so gradients reach only the trained ones.
     *
     * @return the arrays to train, named {@code model.embed_tokens.weight.new_rows} and (untied)
     *     {@code lm_head.weight.new_rows}
     */
    public Map<String, NDArray> trainTokenRowsFrom(int firstRow) {
        if (trainedTokenRows != null) {
            throw new IllegalStateException("token rows from " + trainedTokenRows.firstRow + " already train");
        }
        if (firstRow <= 0 || firstRow >= config.vocabSize()) {
            throw new IllegalArgumentException(
                    "the first trained token row must be in 1.." + (config.vocabSize() - 1) + ", got " + firstRow);
        }
        trainedTokenRows = new TokenRows(firstRow, embedTokens, config.tieWordEmbeddings() ? null : lmHead);
        Map<String, NDArray> trainable = new LinkedHashMap<>();
        trainable.put("model.embed_tokens.weight.new_rows", trainedTokenRows.trainedEmbedding);
        if (trainedTokenRows.trainedHead != null) {
            trainable.put("lm_head.weight.new_rows", trainedTokenRows.trainedHead);
        }
        return trainable;
    }

    /** Rows of the embedding (and untied head) split into a frozen prefix and trained new rows. */
    private final class TokenRows {
        final int firstRow;
        final NDArray frozenEmbedding; // (first, D)
        final NDArray trainedEmbedding; // (V - first, D)
        final NDArray frozenHead; // (first, D), untied heads only
        final NDArray trainedHead; // (V - first, D), untied heads only

        TokenRows(int firstRow, NDArray embedding, NDArray untiedHead) {
            this.firstRow = firstRow;
            NDIndex frozen = new NDIndex(":" + firstRow);
            NDIndex trained = new NDIndex(firstRow + ":");
            frozenEmbedding = copyOf(embedding, frozen);
            trainedEmbedding = copyOf(embedding, trained);
            frozenHead = untiedHead == null ? null : copyOf(untiedHead, frozen);
            trainedHead = untiedHead == null ? null : copyOf(untiedHead, trained);
            NDScope.unregister(frozenEmbedding, trainedEmbedding);
            if (untiedHead != null) {
                NDScope.unregister(frozenHead, trainedHead);
            }
        }

        /** Rows as a tensor of their own: a slice would be a view into the full matrix, not a leaf to train. */
        private static NDArray copyOf(NDArray matrix, NDIndex rows) {
            try (NDArray view = matrix.get(rows)) {
                return view.duplicate();
            }
        }

        /** The whole embedding, joined for this forward pass and owned by its scope. */
        NDArray embedding(NDManager scope) {
            return join(frozenEmbedding, trainedEmbedding, scope);
        }

        NDArray head(NDManager scope) {
            return join(frozenHead, trainedHead, scope);
        }

        private static NDArray join(NDArray frozen, NDArray trained, NDManager scope) {
            NDArray joined = frozen.concat(trained, 0);
            // The result belongs to the first operand's manager (the model's): move it to the caller's scope.
            joined.attach(scope);
            return joined;
        }

        /** Copies the trained rows back into the full matrices, which are what gets saved and merged. */
        void writeBack() {
            NDIndex trained = new NDIndex(firstRow + ":");
            embedTokens.set(trained, trainedEmbedding);
            if (trainedHead != null) {
                lmHead.set(trained, trainedHead);
            }
        }
    }

    /**
     * Every weight by its Hugging Face name (the LM head only when untied). Token rows that train on their own are
     * written into the full matrices first.
     */
    public Map<String, NDArray> namedWeights() {
        if (trainedTokenRows != null) {
            trainedTokenRows.writeBack();
        }
        Map<String, NDArray> named = new LinkedHashMap<>();
        named.put("model.embed_tokens.weight", embedTokens);
        for (DecoderLayer layer : layers) {
            String p = "model.layers." + layer.index + ".";
            named.put(p + "input_layernorm.weight", layer.inputNorm);
            putLinear(named, p + "self_attn.q_proj", layer.queries);
            putLinear(named, p + "self_attn.k_proj", layer.keys);
            putLinear(named, p + "self_attn.v_proj", layer.values);
            putLinear(named, p + "self_attn.o_proj", layer.output);
            named.put(p + "post_attention_layernorm.weight", layer.postAttentionNorm);
            putLinear(named, p + "mlp.gate_proj", layer.gate);
            putLinear(named, p + "mlp.up_proj", layer.up);
            putLinear(named, p + "mlp.down_proj", layer.down);
        }
        named.put("model.norm.weight", finalNorm);
        if (!config.tieWordEmbeddings()) {
            named.put("lm_head.weight", lmHead);
        }
        return named;
    }

    private static void putLinear(Map<String, NDArray> named, String prefix, Linear linear) {
        named.put(prefix + ".weight", linear.weight());
        if (linear.bias() != null) {
            named.put(prefix + ".bias", linear.bias());
        }
    }

    /** The weights copied to Java memory, for writing a checkpoint. */
    public Map<String, Tensor> toTensors() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        namedWeights()
                .forEach((name, array) -> tensors.put(
                        name,
                        new Tensor(
                                array.getShape().getShape(),
                                array.toType(DataType.FLOAT32, false).toFloatArray())));
        return tensors;
    }

    /**
     * Writes this model as a Hugging Face checkpoint directory.
     *
     * @param tokenizerSource directory whose tokenizer files are copied beside the weights, or null
     */
    public void save(Path directory, DType storedAs, Path tokenizerSource) {
        CheckpointWriter.write(
                directory,
                toTensors(),
                storedAs,
                config.toJson(storedAs == DType.BF16 ? "bfloat16" : "float32"),
                null,
                tokenizerSource,
                CheckpointWriter.DEFAULT_SHARD_BYTES);
    }

    /** Parameters of the base model, from the config (a quantized projection counts as its weight's shape). */
    public long parameterCount() {
        return expectedShapes(config).values().stream()
                .mapToLong(shape -> Arrays.stream(shape).reduce(1, Math::multiplyExact))
                .sum();
    }

    /**
     * The projection with a Hugging Face module name such as {@code model.layers.0.self_attn.q_proj}.
     */
    public Linear linear(String name) {
        return layerOf(name).linear(projectionOf(name));
    }

    /**
     * Replaces a projection with what {@code wrap} makes of it: how LoRA adapters and quantized bases are put in
     * place, by composition, without touching the other weights.
     */
    public void replaceLinear(String name, UnaryOperator<Linear> wrap) {
        DecoderLayer layer = layerOf(name);
        String projection = projectionOf(name);
        layer.setLinear(projection, wrap.apply(layer.linear(projection)));
    }

    private DecoderLayer layerOf(String name) {
        String prefix = "model.layers.";
        int dot = name.indexOf('.', prefix.length());
        if (!name.startsWith(prefix) || dot < 0) {
            throw new IllegalArgumentException(
                    "\"" + name + "\" is not a projection name such as" + " model.layers.0.self_attn.q_proj");
        }
        int index;
        try {
            index = Integer.parseInt(name.substring(prefix.length(), dot));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + name + "\" has no layer number", e);
        }
        if (index < 0 || index >= layers.size()) {
            throw new IllegalArgumentException("\"" + name + "\": the model has layers 0 to " + (layers.size() - 1));
        }
        return layers.get(index);
    }

    private static String projectionOf(String name) {
        return name.substring(name.indexOf('.', "model.layers.".length()) + 1);
    }

    /** Names of the projections that adapters can wrap, e.g. {@code model.layers.0.self_attn.q_proj}. */
    public List<String> linearNames() {
        // From the config, not the weights: a quantized projection would dequantize a copy just to be named.
        return new ArrayList<>(new TreeSet<>(expectedShapes(config).keySet().stream()
                .filter(name -> name.startsWith("model.layers.") && name.endsWith("_proj.weight"))
                .map(name -> name.substring(0, name.length() - ".weight".length()))
                .toList()));
    }

    @Override
    public void close() {
        manager.close();
    }
}
