package io.tunestream.llm.cli;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.lora.LoraConfig;
import io.tunestream.llm.lora.LoraLinear;
import io.tunestream.llm.lora.LoraModel;
import io.tunestream.llm.lora.PeftAdapter;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.quantization.Quantization;
import io.tunestream.llm.quantization.QuantizationType;
import io.tunestream.llm.training.RunOutput;
import io.tunestream.llm.training.StepMetrics;
import io.tunestream.llm.training.Trainer;
import io.tunestream.llm.training.TrainingObjective;
import io.tunestream.llm.training.TrainingSettings;
import io.tunestream.llm.training.EvaluationSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Random;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The phases every training command shares: set up what trains, fit, write the result. */
final class TrainingRun {

    private TrainingRun() {
    }

    /**
     * Trains {@code model} (LoRA adapters unless {@code lora} is null) and writes {@code OUT/adapter/} or
     * {@code OUT/model/} beside {@code metrics.jsonl}, {@code run.json} and {@code checkpoints/}.
     *
     * @param tokenizerSource directory whose tokenizer files go with a full model
     * @return the last step's metrics
     */
    static <E> StepMetrics train(LlamaModel model, LoraConfig lora, TrainingObjective<E> objective, List<E> examples,
            TrainingOptions options, TrainingSettings settings, ObjectNode run, Path tokenizerSource) {
        return train(model, lora, QuantizationType.NONE, objective, examples, options, settings, run, tokenizerSource);
    }

    /** @param quantization how the frozen base is stored under LoRA (NONE keeps F32) */
    static <E> StepMetrics train(LlamaModel model, LoraConfig lora, QuantizationType quantization,
            TrainingObjective<E> objective, List<E> examples, TrainingOptions options, TrainingSettings settings,
            ObjectNode run, Path tokenizerSource) {
        return train(model, lora, quantization, objective, examples, options, settings, run, tokenizerSource, 0);
    }

    /**
     * @param firstNewTokenRow when positive, the first row of tokens added to the vocabulary: under LoRA those
     *     embedding (and LM-head) rows train beside the adapters and the extended base, with its trained rows, is
     *     written to {@code OUT/base/} (the adapter's base); full fine-tuning trains them with everything else
     */
    static <E> StepMetrics train(LlamaModel model, LoraConfig lora, QuantizationType quantization,
            TrainingObjective<E> objective, List<E> examples, TrainingOptions options, TrainingSettings settings,
            ObjectNode run, Path tokenizerSource, int firstNewTokenRow) {
        Map<String, NDArray> trainable = new LinkedHashMap<>();
        Map<String, LoraLinear> adapters = null;
        run.put("base_quantization", quantization.name().toLowerCase(Locale.ROOT));
        if (lora != null) {
            if (quantization != QuantizationType.NONE) {
                Quantization.quantizeBase(model, quantization);
            }
            adapters = LoraModel.apply(model, lora, settings.seed());
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
        run.put("trainable_parameters", trainable.values().stream().mapToLong(NDArray::size).sum());
        run.put("method", lora != null ? "lora" : "full");
        Trainer<E> trainer = new Trainer<>(model, trainable, objective, settings);
        Map<String, LoraLinear> dropoutLayers = adapters;
        if (dropoutLayers != null) {
            trainer.onTrainingModeChange(training -> LoraModel.setTraining(dropoutLayers, training));
        }
        List<E> training = examples;
        EvaluationSettings evaluation = options.evaluation();
        if (evaluation != null) {
            // A seeded shuffle decides the held-out split, so a resumed run holds out the same examples.
            List<E> shuffled = new ArrayList<>(examples);
            Collections.shuffle(shuffled, new Random(settings.seed()));
            int held = Math.max(1, (int) Math.round(shuffled.size() * options.evalFraction));
            if (held >= shuffled.size()) {
                throw new IllegalArgumentException("--eval-fraction " + options.evalFraction + " leaves no training data");
            }
            trainer.evaluateOn(shuffled.subList(0, held), evaluation);
            training = shuffled.subList(held, shuffled.size());
            run.put("eval_examples", held);
        }
        List<StepMetrics> history = trainer.fit(training, metrics -> TrainingOptions.progress(System.err, metrics),
                new RunOutput(options.out, run, options.checkpointEvery), options.resume);
        if (evaluation != null) {
            System.err.printf("best step %d: eval/%s %.5f%s%n", trainer.bestStep(), evaluation.metric(),
                    trainer.bestValue(), trainer.stoppedEarly() ? " (stopped early)" : "");
        }
        if (adapters != null) {
            if (firstNewTokenRow > 0) {
                model.save(options.out.resolve("base"), DType.F32, tokenizerSource);
            }
            PeftAdapter.from(adapters, lora).write(options.out.resolve("adapter"));
        } else {
            model.save(options.out.resolve("model"), DType.F32, tokenizerSource);
        }
        if (history.isEmpty()) {
            throw new IllegalArgumentException("nothing to train: the run already has --max-steps "
                    + settings.maxSteps() + " steps");
        }
        return history.get(history.size() - 1);
    }
}
