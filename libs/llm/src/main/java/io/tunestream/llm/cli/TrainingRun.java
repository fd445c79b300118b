package io.tunestream.llm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.training.FineTuneResult;
import io.tunestream.llm.training.FineTuneSpec;
import io.tunestream.llm.training.FineTuning;
import io.tunestream.llm.training.RunOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The training commands' adapter to the engine's {@link FineTuning}: the held-out split, the run directory, the
 * progress bar and the summary on stderr. What trains is decided by the spec, as for every other caller.
 */
final class TrainingRun {

    private final TrainingOptions options;
    private final ObjectNode run;

    /** @param run the command's part of {@code run.json}; the spec and what trains are added to it */
    TrainingRun(TrainingOptions options, ObjectNode run) {
        this.options = options;
        this.run = run;
    }

    /**
     * Fits a set-up run and writes {@code OUT/adapter/} or {@code OUT/model/} beside {@code metrics.jsonl},
     * {@code run.json} and {@code checkpoints/}.
     *
     * @param eval            the {@code --eval-data} examples, or empty to hold out {@code --eval-fraction} of
     *                        {@code examples} when the spec evaluates
     * @param tokenizerSource directory whose tokenizer files go with a full model
     * @param baseModel       the base an adapter names
     */
    <E> FineTuneResult train(
            FineTuning<E> tuning, List<E> examples, List<E> eval, Path tokenizerSource, String baseModel) {
        FineTuneSpec spec = tuning.spec();
        run.set("spec", spec.toJson());
        run.put("base_quantization", spec.method().baseQuantization().name().toLowerCase(Locale.ROOT));
        run.put("trainable_parameters", tuning.trainableParameters());
        run.put("method", spec.method().isFull() ? "full" : "lora");
        List<E> training = examples;
        List<E> heldOut = List.of();
        if (spec.evaluation().enabled()) {
            if (!eval.isEmpty()) {
                heldOut = eval;
            } else {
                // A seeded shuffle decides the held-out split, so a resumed run holds out the same examples.
                List<E> shuffled = new ArrayList<>(examples);
                Collections.shuffle(shuffled, new Random(spec.optimisation().seed()));
                int held = Math.max(1, (int) Math.round(shuffled.size() * options.evalFraction));
                if (held >= shuffled.size()) {
                    throw new IllegalArgumentException(
                            "--eval-fraction " + options.evalFraction + " leaves no training data");
                }
                heldOut = shuffled.subList(0, held);
                training = shuffled.subList(held, shuffled.size());
            }
            run.put("eval_examples", heldOut.size());
        } else if (!eval.isEmpty()) {
            throw new IllegalArgumentException("--eval-data is evaluated every --eval-every steps; set --eval-every");
        }
        FineTuneResult result = tuning.fit(
                training,
                heldOut,
                ProgressLine.onStandardError(),
                new RunOutput(options.out, run, spec.checkpointEvery()),
                options.resume);
        if (spec.evaluation().enabled()) {
            System.err.printf(
                    "best step %d: eval/%s %.5f%s%n",
                    result.chosenStep(),
                    spec.evaluation().metric(),
                    result.chosenValue(),
                    result.stoppedEarly() ? " (stopped early)" : "");
        }
        result = tuning.write(options.out, tokenizerSource, baseModel);
        if (result.history().isEmpty()) {
            throw new IllegalArgumentException("nothing to train: the run already has --max-steps "
                    + spec.optimisation().maxSteps() + " steps");
        }
        return result;
    }
}
