package io.tunestream.llm.training;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.llm.checkpoint.CheckpointException;
import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.checkpoint.SafeTensorsFile;
import io.tunestream.llm.checkpoint.SafeTensorsWriter;
import io.tunestream.llm.checkpoint.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to resume a run where it stopped: the trainable weights, AdamW's moments, the step, and the
 * position in the seeded data order (examples drawn so far), in {@code checkpoints/step-N/}. Written to a temporary
 * directory and moved into place, so a checkpoint directory is always complete.
 */
public final class TrainingCheckpoint {

    static final String WEIGHTS = "trainable.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "state.json";
    public static final String RUN = "run.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static final String BEST = "best.safetensors";

    /**
     * What a checkpoint restores.
     *
     * @param bestStep                  step of the best evaluation so far, 0 when none
     * @param bestValue                 its metric value, NaN when none
     * @param evaluationsWithoutImprovement the early-stopping counter
     * @param best                      the trainable weights at the best step when the run keeps them, or null
     */
    public record State(
            long step,
            long examplesDrawn,
            long seed,
            long bestStep,
            double bestValue,
            int evaluationsWithoutImprovement,
            Map<String, float[]> best) {}

    private TrainingCheckpoint() {}

    public static Path directory(Path checkpoints, long step) {
        return checkpoints.resolve("step-" + step);
    }

    static void write(Path checkpoints, Map<String, NDArray> trainable, AdamW optimizer, State state, ObjectNode run) {
        Path target = directory(checkpoints, state.step());
        Path temporary = checkpoints.resolve(".step-" + state.step() + ".partial");
        try {
            Files.createDirectories(temporary);
            Map<String, Tensor> weights = new LinkedHashMap<>();
            Map<String, Tensor> moments = new LinkedHashMap<>();
            List<NDArray> first = optimizer.firstMoments();
            List<NDArray> second = optimizer.secondMoments();
            int i = 0;
            for (Map.Entry<String, NDArray> entry : trainable.entrySet()) {
                weights.put(entry.getKey(), tensor(entry.getValue()));
                moments.put("exp_avg." + entry.getKey(), tensor(first.get(i)));
                moments.put("exp_avg_sq." + entry.getKey(), tensor(second.get(i)));
                i++;
            }
            SafeTensorsWriter.write(temporary.resolve(WEIGHTS), weights, DType.F32);
            SafeTensorsWriter.write(temporary.resolve(OPTIMIZER), moments, DType.F32);
            ObjectNode stateJson = JSON.createObjectNode();
            stateJson.put("step", state.step());
            stateJson.put("optimizer_steps", optimizer.stepCount());
            stateJson.put("examples_drawn", state.examplesDrawn());
            stateJson.put("seed", state.seed());
            stateJson.put("best_step", state.bestStep());
            if (!Double.isNaN(state.bestValue())) {
                stateJson.put("best_value", state.bestValue());
            }
            stateJson.put("evaluations_without_improvement", state.evaluationsWithoutImprovement());
            if (state.best() != null) {
                Map<String, Tensor> best = new LinkedHashMap<>();
                state.best()
                        .forEach((name, values) -> best.put(
                                name, new Tensor(trainable.get(name).getShape().getShape(), values)));
                SafeTensorsWriter.write(temporary.resolve(BEST), best, DType.F32);
            }
            JSON.writeValue(temporary.resolve(STATE).toFile(), stateJson);
            JSON.writeValue(temporary.resolve(RUN).toFile(), run);
            if (Files.exists(target)) {
                try (var old = Files.walk(target)) {
                    for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training checkpoint " + target, e);
        }
    }

    /** Restores weights and optimizer state in place and returns where the run stood. */
    static State restore(Path directory, Map<String, NDArray> trainable, AdamW optimizer) {
        try (SafeTensorsFile weights = SafeTensorsFile.open(directory.resolve(WEIGHTS));
                SafeTensorsFile moments = SafeTensorsFile.open(directory.resolve(OPTIMIZER))) {
            List<float[]> first = new ArrayList<>();
            List<float[]> second = new ArrayList<>();
            for (Map.Entry<String, NDArray> entry : trainable.entrySet()) {
                String name = entry.getKey();
                if (!weights.tensors().containsKey(name)) {
                    throw new CheckpointException(directory.resolve(WEIGHTS) + ": no tensor \"" + name
                            + "\"; the checkpoint was written for other trainable weights");
                }
                if (weights.info(name).elementCount() != entry.getValue().size()) {
                    throw new CheckpointException(directory.resolve(WEIGHTS) + ": tensor \"" + name + "\" has shape "
                            + weights.info(name).shapeText() + ", the model's is "
                            + entry.getValue().getShape());
                }
                entry.getValue().set(weights.readFloats(name));
                first.add(moments.readFloats("exp_avg." + name));
                second.add(moments.readFloats("exp_avg_sq." + name));
            }
            var state = JSON.readTree(directory.resolve(STATE).toFile());
            optimizer.restore(state.get("optimizer_steps").asLong(), first, second);
            Map<String, float[]> best = null;
            if (Files.exists(directory.resolve(BEST))) {
                best = new LinkedHashMap<>();
                try (SafeTensorsFile bestFile = SafeTensorsFile.open(directory.resolve(BEST))) {
                    for (String name : trainable.keySet()) {
                        best.put(name, bestFile.readFloats(name));
                    }
                }
            }
            return new State(
                    state.get("step").asLong(),
                    state.get("examples_drawn").asLong(),
                    state.get("seed").asLong(),
                    state.path("best_step").asLong(0),
                    state.has("best_value") ? state.get("best_value").asDouble() : Double.NaN,
                    state.path("evaluations_without_improvement").asInt(0),
                    best);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the training checkpoint " + directory, e);
        }
    }

    private static Tensor tensor(NDArray array) {
        return new Tensor(array.getShape().getShape(), array.toFloatArray());
    }
}
