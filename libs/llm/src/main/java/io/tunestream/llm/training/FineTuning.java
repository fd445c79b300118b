package io.tunestream.llm.training;

import ai.djl.ndarray.NDArray;
import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.lora.LoraConfig;
import io.tunestream.llm.lora.LoraLinear;
import io.tunestream.llm.lora.LoraMerge;
import io.tunestream.llm.lora.LoraModel;
import io.tunestream.llm.lora.PeftAdapter;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.quantization.Quantization;
import io.tunestream.llm.quantization.QuantizationType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one fine-tuning entry point: a {@link FineTuneSpec} run on a model in three phases, as litgpt's
 * {@code setup -> fit}: {@link #setup} decides what trains (every weight, or LoRA adapters over an F32 or quantized
 * base), {@link #fit} runs the {@link Trainer} with the spec's objective, optimisation and selection, and
 * {@link #write} writes the adapter or the model. Data preparation stays with the caller (a CLI file, a dataset
 * version, synthetic tasks): what trains on it is decided here only.
 *
 * <pre>{@code
 * FineTuning<TrainingExample> run = FineTuning.of(spec, model, padTokenId).setup();
 * FineTuneResult result = run.fit(train, eval, listener, output, null);
 * run.write(directory, tokenizerSource, baseModelName);
 * }</pre>
 *
 * <p>The engine's gradient recorder is process-global: one run at a time per JVM.
 *
 * @param <E> the recipe's example type: {@link TrainingExample} for pretraining and SFT, {@link PreferenceExample}
 *            for DPO
 */
public final class FineTuning<E> {

    private final FineTuneSpec spec;
    private final LlamaModel model;
    private final TrainingObjective<E> objective;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private Map<String, LoraLinear> adapters;
    private int firstNewTokenRow;
    private boolean setUp;
    private FineTuneResult result;

    private FineTuning(FineTuneSpec spec, LlamaModel model, TrainingObjective<E> objective) {
        this.spec = spec;
        this.model = model;
        this.objective = objective;
    }

    /**
     * The run of {@code spec} on {@code model}, its objective built; the model is not touched until {@link #setup}.
     *
     * @param padTokenId the token that pads batches (its positions are masked)
     */
    @SuppressWarnings("unchecked")
    public static <E> FineTuning<E> of(FineTuneSpec spec, LlamaModel model, int padTokenId) {
        TrainingObjective<?> objective = switch (spec.recipe()) {
            case PRETRAIN, SFT -> new CausalLmObjective(padTokenId);
            case DPO -> new DpoObjective(padTokenId, spec.dpoSettings());
        };
        return new FineTuning<>(spec, model, (TrainingObjective<E>) objective);
    }

    public FineTuneSpec spec() {
        return spec;
    }

    /**
     * The recipe's objective: callers measure the starting model with it before {@link #setup} changes it (for DPO,
     * {@code prepare} first computes the reference's log-probabilities).
     */
    public TrainingObjective<E> objective() {
        return objective;
    }

    /** Phase 1: what trains. Every weight for full fine-tuning; otherwise the base is (quantized and) frozen. */
    public FineTuning<E> setup() {
        return setup(0);
    }

    /**
     * Phase 1, for a model whose vocabulary was extended: with LoRA the embedding (and LM-head) rows from
     * {@code firstNewTokenRow} on train beside the adapters; full fine-tuning trains them with everything else.
     *
     * @param firstNewTokenRow the first added token's id, or 0 when no token was added
     */
    public FineTuning<E> setup(int firstNewTokenRow) {
        if (setUp) {
            throw new IllegalStateException("the run is already set up");
        }
        LoraConfig lora = spec.method().loraConfig();
        if (lora != null) {
            if (spec.method().baseQuantization() != QuantizationType.NONE) {
                // QLoRA style: the frozen base is stored quantized while the adapters train in F32.
                Quantization.quantizeBase(model, spec.method().baseQuantization());
            }
            adapters = LoraModel.apply(model, lora, spec.optimisation().seed());
            adapters.forEach((name, layer) -> {
                trainable.put(name + ".lora_A.weight", layer.loraA());
                trainable.put(name + ".lora_B.weight", layer.loraB());
            });
            if (firstNewTokenRow > 0) {
                trainable.putAll(model.trainTokenRowsFrom(firstNewTokenRow));
            }
        } else {
            trainable.putAll(model.namedWeights());
        }
        this.firstNewTokenRow = firstNewTokenRow;
        setUp = true;
        return this;
    }

    /** The number of values that learn (after {@link #setup}). */
    public long trainableParameters() {
        requireSetUp();
        return trainable.values().stream().mapToLong(NDArray::size).sum();
    }

    /**
     * Phase 2: trains on {@code train}, evaluating on {@code eval} as the spec says, and leaves the chosen weights in
     * the model.
     *
     * @param eval       held-out examples for the objective's metrics; empty when the spec does not evaluate or only
     *                   its model evaluator does
     * @param output     the run directory ({@code metrics.jsonl}, {@code run.json}, {@code checkpoints/}), or null
     * @param resumeFrom a {@code checkpoints/step-N} directory of an earlier attempt of this run, or null
     */
    public FineTuneResult fit(
            List<E> train, List<E> eval, Consumer<StepMetrics> listener, RunOutput output, Path resumeFrom) {
        requireSetUp();
        requireExamplesOfTheRecipe(train);
        requireExamplesOfTheRecipe(eval);
        Trainer<E> trainer = new Trainer<>(model, trainable, objective, spec.settings());
        if (adapters != null) {
            Map<String, LoraLinear> dropoutLayers = adapters;
            trainer.onTrainingModeChange(training -> LoraModel.setTraining(dropoutLayers, training));
        }
        FineTuneSpec.Evaluation evaluation = spec.evaluation();
        if (evaluation.enabled()) {
            if (!eval.isEmpty()) {
                trainer.evaluateOn(eval, evaluation.settings());
            }
            if (evaluation.modelEvaluator() != null) {
                trainer.evaluateWith(evaluation.modelEvaluator(), evaluation.settings());
            }
            if (eval.isEmpty() && evaluation.modelEvaluator() == null) {
                throw new IllegalArgumentException("the spec evaluates every " + evaluation.every()
                        + " steps but there are no eval examples and no model evaluator");
            }
        }
        List<StepMetrics> history = trainer.fit(train, listener, output, resumeFrom);
        long chosen = evaluation.enabled()
                ? trainer.bestStep()
                : history.isEmpty()
                        ? spec.optimisation().maxSteps()
                        : history.get(history.size() - 1).step();
        result = new FineTuneResult(
                history, chosen, trainer.bestValue(), trainer.startMetrics(), trainer.stoppedEarly(), null);
        return result;
    }

    /**
     * Phase 3: {@code directory/adapter/} (PEFT; with new token rows also the extended base at
     * {@code directory/base/}, which the adapter then names as its base) or {@code directory/model/} (full
     * fine-tuning, F32, with the tokenizer files of {@code tokenizerSource}).
     *
     * @param baseModel the base the adapter belongs to (PEFT's {@code base_model_name_or_path})
     */
    public FineTuneResult write(Path directory, Path tokenizerSource, String baseModel) {
        requireFitted();
        if (adapters == null) {
            Path modelDirectory = directory.resolve("model");
            model.save(modelDirectory, DType.F32, tokenizerSource);
            return written(new FineTuneResult.Outputs(null, modelDirectory, null));
        }
        Path base = null;
        String adapterBase = baseModel;
        if (firstNewTokenRow > 0) {
            base = directory.resolve("base");
            model.save(base, DType.F32, tokenizerSource);
            adapterBase = base.toAbsolutePath().toString();
        }
        Path adapterDirectory = directory.resolve("adapter");
        PeftAdapter.from(adapters, withBase(adapterBase)).write(adapterDirectory);
        return written(new FineTuneResult.Outputs(adapterDirectory, null, base));
    }

    /**
     * Phase 3 for a model that is served at once: {@code directory/adapter/} (LoRA) and {@code directory/merged/}, a
     * Hugging Face checkpoint in F32: the adapter folded into the F32 base read from {@code baseModel} (even after
     * QLoRA: the served model is full precision), or the fully fine-tuned model.
     *
     * @param baseModel the starting checkpoint's directory, with tokenizer files
     */
    public FineTuneResult writeMerged(Path directory, Path baseModel) {
        requireFitted();
        if (firstNewTokenRow > 0) {
            throw new IllegalStateException("a merged model of an extended vocabulary is written by merge-lora from"
                    + " the base that write() saves");
        }
        Path merged = directory.resolve("merged");
        if (adapters == null) {
            model.save(merged, DType.F32, baseModel);
            return written(new FineTuneResult.Outputs(null, merged, null));
        }
        Path adapterDirectory = directory.resolve("adapter");
        PeftAdapter.from(adapters, withBase(baseModel.toString())).write(adapterDirectory);
        LoraMerge.mergeToCheckpoint(baseModel, adapterDirectory, merged, DType.F32);
        return written(new FineTuneResult.Outputs(adapterDirectory, merged, null));
    }

    private LoraConfig withBase(String baseModel) {
        LoraConfig lora = spec.method().loraConfig();
        return new LoraConfig(
                lora.r(), lora.alpha(), lora.dropout(), lora.targetModules(), lora.useRsLora(), baseModel);
    }

    private FineTuneResult written(FineTuneResult.Outputs outputs) {
        result = result.withOutputs(outputs);
        return result;
    }

    private void requireExamplesOfTheRecipe(List<E> examples) {
        Class<?> expected = spec.recipe() == FineTuneSpec.Recipe.DPO ? PreferenceExample.class : TrainingExample.class;
        for (E example : examples) {
            if (!expected.isInstance(example)) {
                throw new IllegalArgumentException("a " + spec.recipe() + " run trains on " + expected.getSimpleName()
                        + "s, got a " + example.getClass().getSimpleName());
            }
        }
    }

    private void requireSetUp() {
        if (!setUp) {
            throw new IllegalStateException("call setup() first: it decides what trains");
        }
    }

    private void requireFitted() {
        if (result == null) {
            throw new IllegalStateException("call fit() first: there is nothing to write");
        }
    }
}
