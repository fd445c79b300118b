package io.tunestream.llm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Examples padded on the right into one (B, T) batch. Right padding is safe for causal attention: a real token never
 * attends to the padding after it, and padded positions carry no loss.
 *
 * @param ids      (B, T) int64
 * @param lossMask (B, T - 1) float: 1 where token t + 1 is learned
 */
public record Batch(NDArray ids, NDArray lossMask, int learnedTokens) {

    public static Batch of(List<TrainingExample> examples, int padId, NDManager manager) {
        int rows = examples.size();
        int width = examples.stream().mapToInt(e -> e.ids().length).max().orElseThrow();
        long[] ids = new long[rows * width];
        float[] mask = new float[rows * (width - 1)];
        int learned = 0;
        for (int row = 0; row < rows; row++) {
            TrainingExample example = examples.get(row);
            for (int t = 0; t < width; t++) {
                ids[row * width + t] = t < example.ids().length ? example.ids()[t] : padId;
            }
            for (int t = 1; t < example.ids().length; t++) {
                if (example.learn()[t]) {
                    mask[row * (width - 1) + t - 1] = 1;
                    learned++;
                }
            }
        }
        return new Batch(
                manager.create(ids, new Shape(rows, width)), manager.create(mask, new Shape(rows, width - 1)), learned);
    }
}
