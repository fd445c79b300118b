package io.tunestream.training.service;

import io.tunestream.events.Recipe;
import io.tunestream.llm.quantization.QuantizationType;
import io.tunestream.llm.training.DpoLossType;
import io.tunestream.llm.training.DpoSettings;
import io.tunestream.llm.training.FineTuneSpec;
import io.tunestream.training.config.TrainingConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A job's hyperparameters: what was submitted over the configured defaults. The keys, all optional:
 * {@code maxSteps}, {@code batchSize}, {@code learningRate}, {@code loraRank}, {@code loraAlpha}, {@code beta} (DPO),
 * {@code maxLength} (for {@code pretrain}: the packed block size), {@code evalEvery}, {@code seed},
 * {@code exactMatchMaxAnswerTokens} (a held-out answer of at most this many tokens is verifiable by exact match; 0 turns
 * exact match off), and {@code method}: {@code lora} (adapters over a frozen F32 base), {@code qlora-int8} or
 * {@code qlora-nf4} (adapters over a frozen base stored quantized, merged into the F32 base at the end) or {@code full}
 * (every weight trains; no adapter); {@code trainSuperseded} ({@code true} trains a dataset version even when the model
 * version that generated it is no longer production; by default such a job is superseded, not trained); and for DPO
 * the engine's recipe: {@code lossType} ({@code sigmoid}, {@code ipo} or {@code hinge}), {@code labelSmoothing}
 * (conservative DPO, in [0, 0.5), sigmoid only) and {@code nllWeight} (an NLL term on the chosen answer; 0 turns it
 * off).
 */
public record JobHyperparameters(
        int maxSteps,
        int batchSize,
        double learningRate,
        int loraRank,
        double loraAlpha,
        double beta,
        int maxLength,
        int evalEvery,
        long seed,
        int exactMatchMaxAnswerTokens,
        String method,
        boolean trainSuperseded,
        String lossType,
        double labelSmoothing,
        double nllWeight) {

    public static final Set<String> KEYS = Set.of(
            "maxSteps",
            "batchSize",
            "learningRate",
            "loraRank",
            "loraAlpha",
            "beta",
            "maxLength",
            "evalEvery",
            "seed",
            "exactMatchMaxAnswerTokens",
            "method",
            "trainSuperseded",
            "lossType",
            "labelSmoothing",
            "nllWeight");
    /** The training methods, as {@code method} names them. */
    public static final List<String> METHODS = List.of("lora", "qlora-int8", "qlora-nf4", "full");
    /** The DPO losses, as {@code lossType} names them. */
    public static final List<String> LOSS_TYPES = List.of("sigmoid", "ipo", "hinge");

    public JobHyperparameters {
        if (maxSteps < 1 || batchSize < 1 || loraRank < 1 || maxLength < 8 || evalEvery < 1) {
            throw new InvalidJobException(
                    "hyperparameters: maxSteps, batchSize, loraRank and evalEvery must be at least 1"
                            + " and maxLength at least 8");
        }
        if (!METHODS.contains(method)) {
            throw new InvalidJobException(
                    "hyperparameter 'method' must be one of " + METHODS + ", got '" + method + "'");
        }
        if (exactMatchMaxAnswerTokens < 0) {
            throw new InvalidJobException("hyperparameters: exactMatchMaxAnswerTokens must be 0 (off) or positive");
        }
        if (!(learningRate > 0) || !(loraAlpha > 0) || !(beta > 0)) {
            throw new InvalidJobException("hyperparameters: learningRate, loraAlpha and beta must be positive");
        }
        if (!LOSS_TYPES.contains(lossType)) {
            throw new InvalidJobException(
                    "hyperparameter 'lossType' must be one of " + LOSS_TYPES + ", got '" + lossType + "'");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new InvalidJobException("hyperparameter 'labelSmoothing' must be in [0, 0.5), got " + labelSmoothing);
        }
        if (labelSmoothing > 0 && !lossType.equals("sigmoid")) {
            throw new InvalidJobException("hyperparameter 'labelSmoothing' applies to lossType 'sigmoid' only, got"
                    + " lossType '" + lossType + "'");
        }
        if (!(nllWeight >= 0) || Double.isInfinite(nllWeight)) {
            throw new InvalidJobException("hyperparameter 'nllWeight' must be 0 (off) or positive, got " + nllWeight);
        }
    }

    /**
     * The submitted values over the defaults.
     *
     * @throws InvalidJobException naming an unknown key or a value that is not a number
     */
    public static JobHyperparameters resolve(
            Recipe recipe, Map<String, Object> submitted, TrainingConfig.Defaults defaults) {
        Map<String, Object> values = submitted == null ? Map.of() : submitted;
        for (String key : values.keySet()) {
            if (!KEYS.contains(key)) {
                throw new InvalidJobException("unknown hyperparameter '" + key + "'; accepted: "
                        + KEYS.stream().sorted().toList());
            }
        }
        double rate = recipe == Recipe.DPO ? defaults.dpoLearningRate() : defaults.sftLearningRate();
        return new JobHyperparameters(
                number(values, "maxSteps", defaults.maxSteps()).intValue(),
                number(values, "batchSize", defaults.batchSize()).intValue(),
                number(values, "learningRate", rate).doubleValue(),
                number(values, "loraRank", defaults.loraRank()).intValue(),
                number(values, "loraAlpha", defaults.loraAlpha()).doubleValue(),
                number(values, "beta", defaults.beta()).doubleValue(),
                number(values, "maxLength", defaults.maxLength()).intValue(),
                number(values, "evalEvery", defaults.evalEvery()).intValue(),
                number(values, "seed", defaults.seed()).longValue(),
                number(values, "exactMatchMaxAnswerTokens", defaults.exactMatchMaxAnswerTokens())
                        .intValue(),
                String.valueOf(values.getOrDefault("method", defaults.method())).toLowerCase(Locale.ROOT),
                flag(values, "trainSuperseded", false),
                String.valueOf(values.getOrDefault("lossType", defaults.lossType()))
                        .strip()
                        .toLowerCase(Locale.ROOT),
                number(values, "labelSmoothing", defaults.labelSmoothing()).doubleValue(),
                number(values, "nllWeight", defaults.nllWeight()).doubleValue());
    }

    /** The engine's DPO settings of this job. */
    public DpoSettings dpoSettings() {
        return new DpoSettings(beta, DpoLossType.parse(lossType), labelSmoothing, nllWeight);
    }

    /**
     * The engine's fine-tuning spec of this job for {@code recipe}: the spec's defaults (warmup a tenth of the steps
     * at most 10, cosine decay to a tenth, clipping at 1.0, no weight decay, no gradient accumulation; LoRA dropout
     * 0.05 on every projection) with the job's values, evaluated every {@code evalEvery} steps on the eval split, the
     * lowest eval loss chosen, never stopping early.
     */
    public FineTuneSpec spec(Recipe recipe) {
        FineTuneSpec.Method trainingMethod = usesAdapters()
                ? FineTuneSpec.Method.lora().withLora(loraRank, loraAlpha).withBaseQuantization(baseQuantization())
                : FineTuneSpec.Method.full();
        return FineTuneSpec.of(FineTuneSpec.Recipe.valueOf(recipe.name()))
                .withDpo(dpoSettings())
                .withMethod(trainingMethod)
                .withOptimisation(FineTuneSpec.Optimisation.defaults()
                        .withMaxSteps(maxSteps)
                        .withBatch(batchSize, 1)
                        .withLearningRate(learningRate)
                        .withSeed(seed))
                .withEvaluation(FineTuneSpec.Evaluation.every(evalEvery).withPatience(0));
    }

    /** Whether adapters train (every method but {@code full}). */
    public boolean usesAdapters() {
        return !method.equals("full");
    }

    /** How the frozen base is stored under the adapters. */
    public QuantizationType baseQuantization() {
        return switch (method) {
            case "qlora-int8" -> QuantizationType.INT8;
            case "qlora-nf4" -> QuantizationType.NF4;
            default -> QuantizationType.NONE;
        };
    }

    /** Every value, as stored with the job and sent in the trained-model event. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("maxSteps", maxSteps);
        map.put("batchSize", batchSize);
        map.put("learningRate", learningRate);
        map.put("loraRank", loraRank);
        map.put("loraAlpha", loraAlpha);
        map.put("beta", beta);
        map.put("maxLength", maxLength);
        map.put("evalEvery", evalEvery);
        map.put("seed", seed);
        map.put("exactMatchMaxAnswerTokens", exactMatchMaxAnswerTokens);
        map.put("method", method);
        map.put("trainSuperseded", trainSuperseded);
        map.put("lossType", lossType);
        map.put("labelSmoothing", labelSmoothing);
        map.put("nllWeight", nllWeight);
        return map;
    }

    private static boolean flag(Map<String, Object> values, String key, boolean fallback) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        String text = value.toString().strip().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new InvalidJobException("hyperparameter '" + key + "' must be true or false, got '" + value + "'");
    }

    private static Number number(Map<String, Object> values, String key, Number fallback) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number number) {
            return number;
        }
        try {
            return Double.valueOf(value.toString());
        } catch (NumberFormatException e) {
            throw new InvalidJobException("hyperparameter '" + key + "' must be a number, got '" + value + "'");
        }
    }
}
