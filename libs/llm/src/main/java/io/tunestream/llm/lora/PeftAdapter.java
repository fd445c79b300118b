package io.tunestream.llm.lora;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tunestream.llm.checkpoint.CheckpointException;
import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.checkpoint.SafeTensorsFile;
import io.tunestream.llm.checkpoint.SafeTensorsWriter;
import io.tunestream.llm.checkpoint.Tensor;
import io.tunestream.llm.checkpoint.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A LoRA adapter in Java memory, in the layout of Hugging Face PEFT's {@code save_pretrained} for a causal LM:
 * {@code adapter_config.json} and {@code adapter_model.safetensors} holding, per wrapped module,
 * {@code base_model.model.<module>.lora_A.weight} (r, in) and {@code ...lora_B.weight} (out, r).
 *
 * @param config  the adapter's hyperparameters
 * @param modules A and B by module name such as {@code model.layers.0.self_attn.q_proj}, sorted by name
 */
public record PeftAdapter(LoraConfig config, Map<String, Weights> modules) {

    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    /** What PEFT puts before the module name: the PeftModel's {@code base_model} (LoraModel) then its {@code model}. */
    private static final String KEY_PREFIX = "base_model.model.";

    private static final Pattern MODULE =
            Pattern.compile("model\\.layers\\.\\d+\\.(?:self_attn\\.(?:q|k|v|o)_proj|mlp\\.(?:gate|up|down)_proj)");
    /** {@code save_pretrained} drops the adapter name; a live {@code state_dict()} keeps it ({@code default}). */
    private static final Pattern KEY =
            Pattern.compile(Pattern.quote(KEY_PREFIX) + "(.+)\\.lora_([AB])(?:\\.default)?\\.weight");

    private static final String ACCEPTED_KEYS = "accepted: " + KEY_PREFIX + "<module>.lora_A.weight / .lora_B.weight"
            + " as saved by save_pretrained, or .lora_A.default.weight / .lora_B.default.weight as in a state dict,"
            + " where <module> is model.layers.<i>.self_attn.{q,k,v,o}_proj or model.layers.<i>.mlp.{gate,up,down}_proj";
    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    /**
     * One module's update {@code B·A}.
     *
     * @param loraA (r, in)
     * @param loraB (out, r)
     */
    public record Weights(Tensor loraA, Tensor loraB) {

        public Weights {
            long[] a = loraA.shape();
            long[] b = loraB.shape();
            if (a.length != 2 || b.length != 2 || a[0] != b[1]) {
                throw new IllegalArgumentException("lora_A " + Arrays.toString(a) + " and lora_B " + Arrays.toString(b)
                        + " must be (r, in) and (out, r) with the same r");
            }
        }

        public int rank() {
            return (int) loraA.shape()[0];
        }
    }

    public PeftAdapter {
        if (modules.isEmpty()) {
            throw new IllegalArgumentException("an adapter needs at least one module");
        }
        for (Map.Entry<String, Weights> entry : modules.entrySet()) {
            String name = entry.getKey();
            if (!MODULE.matcher(name).matches()) {
                throw new IllegalArgumentException("\"" + name + "\" is not a projection of a Llama block such as"
                        + " model.layers.0.self_attn.q_proj");
            }
            if (!config.targets(name)) {
                throw new IllegalArgumentException(
                        "\"" + name + "\" is not among target_modules " + config.targetModules());
            }
            if (entry.getValue().rank() != config.r()) {
                throw new IllegalArgumentException(
                        "\"" + name + "\" has rank " + entry.getValue().rank() + " but r is " + config.r());
            }
        }
        modules = Collections.unmodifiableMap(new TreeMap<>(modules));
    }

    /**
     * Reads an adapter directory written by PEFT ({@code save_pretrained}) or by {@link #write}. Accepts both key forms
     * PEFT uses ({@code ...lora_A.weight} and {@code ...lora_A.default.weight}), F32, F16 or BF16 tensors, and
     * {@code target_modules} as a list of names or as a regular expression string (or {@code "all-linear"}).
     *
     * @throws CheckpointException naming the file, the key and what is supported, for what Tunestream cannot apply:
     *                             DoRA, {@code fan_in_fan_out}, rank or alpha patterns, trained biases,
     *                             {@code modules_to_save}, other PEFT types, unpaired or misshapen tensors
     */
    public static PeftAdapter read(Path directory) {
        Path configFile = directory.resolve(CONFIG_FILE);
        Path weightsFile = directory.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(configFile) || !Files.isRegularFile(weightsFile)) {
            throw new CheckpointException(directory + ": a PEFT adapter needs " + CONFIG_FILE + " and " + WEIGHTS_FILE
                    + " (adapter_model.bin is not supported; save with safe_serialization=True)");
        }
        JsonNode json;
        try {
            json = JSON.readTree(configFile.toFile());
        } catch (IOException e) {
            throw new CheckpointException(configFile + ": not valid JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new CheckpointException(configFile + ": not a JSON object");
        }
        rejectUnsupported(configFile, json);
        int r = requiredNumber(configFile, json, "r").intValue();
        double alpha = requiredNumber(configFile, json, "lora_alpha").doubleValue();
        double dropout = json.path("lora_dropout").asDouble(0);
        boolean useRsLora = json.path("use_rslora").asBoolean(false);
        JsonNode base = json.get("base_model_name_or_path");
        String baseModel = base == null || base.isNull() ? null : base.asText();

        Map<String, Weights> modules = readModules(weightsFile, r);
        List<String> targets = targetModules(configFile, json.get("target_modules"), modules.keySet());
        try {
            return new PeftAdapter(new LoraConfig(r, alpha, dropout, targets, useRsLora, baseModel), modules);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(directory + ": " + e.getMessage(), e);
        }
    }

    private static void rejectUnsupported(Path file, JsonNode json) {
        String peftType = json.path("peft_type").asText("");
        if (!peftType.equals("LORA")) {
            throw new CheckpointException(file + ": \"peft_type\" is \"" + peftType + "\"; only LORA is supported");
        }
        if (json.path("use_dora").asBoolean(false)) {
            throw new CheckpointException(file + ": \"use_dora\" is true; DoRA adapters are not supported"
                    + " (only plain LoRA, use_dora false)");
        }
        if (json.path("fan_in_fan_out").asBoolean(false)) {
            throw new CheckpointException(file + ": \"fan_in_fan_out\" is true (GPT-2 Conv1D layout); only"
                    + " nn.Linear layout (fan_in_fan_out false) is supported");
        }
        for (String pattern : List.of("rank_pattern", "alpha_pattern")) {
            JsonNode value = json.get(pattern);
            if (value != null && !value.isNull() && !value.isEmpty()) {
                throw new CheckpointException(file + ": \"" + pattern + "\" is " + value + "; per-module ranks and"
                        + " alphas are not supported (only an empty " + pattern + ")");
            }
        }
        String bias = json.path("bias").asText("none");
        if (!bias.equals("none")) {
            throw new CheckpointException(file + ": \"bias\" is \"" + bias + "\"; adapters that train biases are"
                    + " not supported (only \"none\")");
        }
        JsonNode modulesToSave = json.get("modules_to_save");
        if (modulesToSave != null && !modulesToSave.isNull() && !modulesToSave.isEmpty()) {
            throw new CheckpointException(file + ": \"modules_to_save\" is " + modulesToSave + "; fully trained"
                    + " modules are not supported (only null)");
        }
    }

    private static Number requiredNumber(Path file, JsonNode json, String key) {
        JsonNode value = json.get(key);
        if (value == null || !value.isNumber()) {
            throw new CheckpointException(file + ": \"" + key + "\" must be a number, got " + value);
        }
        return value.numberValue();
    }

    /** A and B of every module, checked for pairs and shapes against {@code r}. */
    private static Map<String, Weights> readModules(Path file, int r) {
        Map<String, Map<String, Tensor>> halves = new TreeMap<>();
        Map<String, String> keyOf = new TreeMap<>();
        try (SafeTensorsFile weights = SafeTensorsFile.open(file)) {
            for (TensorInfo info : weights.tensors().values()) {
                String key = info.name();
                Matcher matcher = KEY.matcher(key);
                if (!matcher.matches() || !MODULE.matcher(matcher.group(1)).matches()) {
                    throw new CheckpointException(file + ": unexpected tensor \"" + key + "\" (" + ACCEPTED_KEYS + ")");
                }
                String module = matcher.group(1);
                String half = matcher.group(2);
                long[] shape = info.shape();
                boolean rankFits = shape.length == 2 && (half.equals("A") ? shape[0] == r : shape[1] == r);
                if (!rankFits) {
                    throw new CheckpointException(file + ": tensor \"" + key + "\" has shape " + info.shapeText()
                            + " but r is " + r + " (lora_A must be [r, in], lora_B [out, r])");
                }
                if (halves.computeIfAbsent(module, m -> new TreeMap<>()).put(half, weights.read(key)) != null) {
                    throw new CheckpointException(file + ": tensor \"" + key + "\" duplicates \""
                            + keyOf.get(module + half) + "\" (use one key form per module)");
                }
                keyOf.put(module + half, key);
            }
        }
        if (halves.isEmpty()) {
            throw new CheckpointException(file + ": no LoRA tensors (" + ACCEPTED_KEYS + ")");
        }
        Map<String, Weights> modules = new TreeMap<>();
        halves.forEach((module, pair) -> {
            if (pair.size() != 2) {
                String present = pair.containsKey("A") ? "A" : "B";
                String absent = present.equals("A") ? "B" : "A";
                throw new CheckpointException(file + ": tensor \"" + keyOf.get(module + present) + "\" has no lora_"
                        + absent + " partner (every module needs both lora_A and lora_B)");
            }
            modules.put(module, new Weights(pair.get("A"), pair.get("B")));
        });
        return modules;
    }

    /**
     * PEFT's {@code target_modules} as short projection names. PEFT matches a list entry against the end of a
     * module name and a string as a regular expression over the whole name; either way the modules the file holds
     * must be among those targeted.
     */
    private static List<String> targetModules(Path file, JsonNode value, Set<String> modules) {
        Set<String> targets = new LinkedHashSet<>();
        if (value != null && value.isArray()) {
            for (JsonNode entry : value) {
                String name = entry.asText();
                targets.add(name.substring(name.lastIndexOf('.') + 1));
            }
        } else if (value != null && value.isTextual() && value.asText().equals("all-linear")) {
            targets.addAll(LoraConfig.ALL_PROJECTIONS);
        } else if (value != null && value.isTextual()) {
            Pattern pattern;
            try {
                pattern = Pattern.compile(value.asText());
            } catch (PatternSyntaxException e) {
                throw new CheckpointException(
                        file + ": \"target_modules\" " + value + " is not a regular expression" + " Java understands: "
                                + e.getDescription(),
                        e);
            }
            for (String module : modules) {
                if (!pattern.matcher(module).matches()) {
                    throw new CheckpointException(file + ": module \"" + module + "\" is in " + WEIGHTS_FILE
                            + " but does not match \"target_modules\" " + value);
                }
                targets.add(module.substring(module.lastIndexOf('.') + 1));
            }
        } else {
            throw new CheckpointException(file + ": \"target_modules\" must be a list of module names or a regular"
                    + " expression string, got " + value);
        }
        List<String> unknown = targets.stream()
                .filter(t -> !LoraConfig.ALL_PROJECTIONS.contains(t))
                .toList();
        if (!unknown.isEmpty()) {
            throw new CheckpointException(file + ": \"target_modules\" names " + unknown + ", which are not"
                    + " projections of a Llama block (supported: " + LoraConfig.ALL_PROJECTIONS + ")");
        }
        for (String module : modules) {
            if (!targets.contains(module.substring(module.lastIndexOf('.') + 1))) {
                throw new CheckpointException(file + ": module \"" + module + "\" has LoRA tensors but is not among"
                        + " \"target_modules\" " + value);
            }
        }
        return new ArrayList<>(targets);
    }

    /** The live adapters' current weights, copied to Java memory. */
    public static PeftAdapter from(Map<String, LoraLinear> layers, LoraConfig config) {
        Map<String, Weights> modules = new TreeMap<>();
        layers.forEach((name, layer) -> {
            requireSameScale(name, layer, config);
            modules.put(name, new Weights(layer.loraATensor(), layer.loraBTensor()));
        });
        return new PeftAdapter(config, modules);
    }

    /**
     * Copies the weights into live layers, e.g. those {@link LoraModel#apply} made with this adapter's config.
     *
     * @throws IllegalArgumentException naming the modules when the layers are not exactly this adapter's modules,
     *                                  or a module whose shapes or scale differ
     */
    public void loadInto(Map<String, LoraLinear> layers) {
        if (!layers.keySet().equals(modules.keySet())) {
            Set<String> missing = new TreeSet<>(modules.keySet());
            missing.removeAll(layers.keySet());
            Set<String> extra = new TreeSet<>(layers.keySet());
            extra.removeAll(modules.keySet());
            throw new IllegalArgumentException("the live adapters do not match the adapter's modules: not live "
                    + missing + ", not in the adapter " + extra);
        }
        modules.forEach((name, weights) -> {
            LoraLinear layer = layers.get(name);
            requireSameScale(name, layer, config);
            try {
                layer.load(weights.loraA(), weights.loraB());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + name + "\": " + e.getMessage(), e);
            }
        });
    }

    private static void requireSameScale(String name, LoraLinear layer, LoraConfig config) {
        if (Math.abs(layer.scale() - config.scale()) > 1e-9 * config.scale()) {
            throw new IllegalArgumentException("\"" + name + "\" is scaled by " + layer.scale()
                    + " but the adapter's config gives " + config.scale() + " (lora_alpha " + config.alpha() + ", r "
                    + config.r() + ", use_rslora " + config.useRsLora() + ")");
        }
    }

    /** Writes {@code adapter_config.json} and {@code adapter_model.safetensors} (F32) into {@code directory}. */
    public void write(Path directory) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        modules.forEach((name, weights) -> {
            tensors.put(KEY_PREFIX + name + ".lora_A.weight", weights.loraA());
            tensors.put(KEY_PREFIX + name + ".lora_B.weight", weights.loraB());
        });
        try {
            Files.createDirectories(directory);
            SafeTensorsWriter.write(directory.resolve(WEIGHTS_FILE), tensors, DType.F32);
            Files.writeString(directory.resolve(CONFIG_FILE), configJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the adapter " + directory, e);
        }
    }

    /**
     * {@code adapter_config.json} as PEFT's {@code save_pretrained} writes it: Python's
     * {@code json.dumps(config, indent=2, sort_keys=True)}, no trailing newline.
     */
    String configJson() {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("alpha_pattern", Map.of());
        fields.put("base_model_name_or_path", config.baseModelNameOrPath());
        fields.put("bias", "none");
        fields.put("fan_in_fan_out", false);
        fields.put("inference_mode", true);
        fields.put("init_lora_weights", true);
        fields.put("layers_pattern", null);
        fields.put("layers_to_transform", null);
        // PEFT's lora_alpha is an int (16, not 16.0) unless a fractional value was given.
        double alpha = config.alpha();
        fields.put("lora_alpha", alpha == Math.rint(alpha) && alpha < 1e15 ? (Object) (long) alpha : (Object) alpha);
        fields.put("lora_dropout", config.dropout());
        fields.put("modules_to_save", null);
        fields.put("peft_type", "LORA");
        fields.put("r", config.r());
        fields.put("rank_pattern", Map.of());
        fields.put("revision", null);
        fields.put("target_modules", config.targetModules());
        fields.put("task_type", "CAUSAL_LM");
        fields.put("use_dora", false);
        fields.put("use_rslora", config.useRsLora());
        StringBuilder json = new StringBuilder("{");
        String separator = "\n  ";
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            json.append(separator).append(quoted(field.getKey())).append(": ").append(pythonJson(field.getValue()));
            separator = ",\n  ";
        }
        return json.append("\n}").toString();
    }

    /** One value as Python's json module prints it (indent 2, inside a top-level object). */
    private static String pythonJson(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String text) {
            return quoted(text);
        }
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                return "[]";
            }
            StringBuilder json = new StringBuilder("[");
            String separator = "\n    ";
            for (Object element : list) {
                json.append(separator).append(pythonJson(element));
                separator = ",\n    ";
            }
            return json.append("\n  ]").toString();
        }
        if (value instanceof Map<?, ?> map && map.isEmpty()) {
            return "{}";
        }
        // Booleans, integers, and floats (Java's shortest round-trip form equals Python's repr for ordinary values).
        return value.toString();
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
