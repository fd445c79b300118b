package io.tunestream.llm.training;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a fine-tuning run produced.
 *
 * @param history       each step's metrics, in order (empty when a resumed run had nothing left to do)
 * @param chosenStep    the step whose weights are the result: the best evaluation's (0 when the starting weights won),
 *                      or the last step run when the run did not evaluate
 * @param chosenValue   the selection metric's value at {@code chosenStep}, or NaN without evaluation
 * @param startMetrics  the starting weights' evaluation (step 0) when the spec asked for one, else empty
 * @param stoppedEarly  whether the run stopped for lack of improvement before its last step
 * @param outputs       where the result was written, or null before the write phase
 */
public record FineTuneResult(
        List<StepMetrics> history,
        long chosenStep,
        double chosenValue,
        Map<String, Double> startMetrics,
        boolean stoppedEarly,
        Outputs outputs) {

    public FineTuneResult {
        history = List.copyOf(history);
        startMetrics = Map.copyOf(startMetrics);
    }

    /** The last step's metrics. */
    public StepMetrics last() {
        if (history.isEmpty()) {
            throw new IllegalStateException("the run ran no step");
        }
        return history.get(history.size() - 1);
    }

    FineTuneResult withOutputs(Outputs written) {
        return new FineTuneResult(history, chosenStep, chosenValue, startMetrics, stoppedEarly, written);
    }

    /**
     * The written directories; null where the method writes none.
     *
     * @param adapter the PEFT adapter ({@code adapter/}, LoRA only)
     * @param model   a Hugging Face checkpoint of the trained model: the full model, or with LoRA the adapter merged
     *                into the F32 base when asked for
     * @param base    the extended base whose new token rows trained beside the adapters ({@code base/})
     */
    public record Outputs(Path adapter, Path model, Path base) {}
}
