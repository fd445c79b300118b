package io.tunestream.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings in Hugging Face's rotate-half convention: dimension i of the first half pairs with
 * dimension i of the second half, and {@code x' = x cos + rotate_half(x) sin} with {@code rotate_half(x) = [-x2, x1]}.
 * The cos/sin tables are computed in double precision and grown on demand up to the longest position seen.
 */
final class RotaryEmbedding {

    private final NDManager manager;
    private final int headDim;
    private final double[] inverseFrequencies;
    private final NDArray rotateHalf; // (headDim, headDim): x @ rotateHalf == [-x2, x1]
    private NDArray cosTable; // (positions, headDim)
    private NDArray sinTable; // (positions, headDim)
    private int tablePositions;

    RotaryEmbedding(NDManager manager, LlamaConfig config) {
        this.manager = manager;
        this.headDim = config.headDim();
        double[] frequencies = new double[headDim / 2];
        for (int i = 0; i < frequencies.length; i++) {
            frequencies[i] = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / headDim);
        }
        this.inverseFrequencies = config.ropeScaling().scale(frequencies);
        this.rotateHalf = rotateHalfMatrix(manager, headDim);
        ensurePositions(Math.min(config.maxPositionEmbeddings(), 2048));
    }

    /** Makes the tables cover positions [0, positions); table growth doubles so it happens rarely. */
    synchronized void ensurePositions(int positions) {
        if (positions <= tablePositions) {
            return;
        }
        int size = Math.max(positions, tablePositions * 2);
        float[] cos = new float[size * headDim];
        float[] sin = new float[size * headDim];
        int half = headDim / 2;
        for (int position = 0; position < size; position++) {
            for (int i = 0; i < half; i++) {
                double angle = position * inverseFrequencies[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[position * headDim + i] = c;
                cos[position * headDim + half + i] = c;
                sin[position * headDim + i] = s;
                sin[position * headDim + half + i] = s;
            }
        }
        NDArray newCos = manager.create(cos, new Shape(size, headDim));
        NDArray newSin = manager.create(sin, new Shape(size, headDim));
        // Tables are long-lived: keep them out of any NDScope the caller has open.
        NDScope.unregister(newCos, newSin);
        if (cosTable != null) {
            cosTable.close();
            sinTable.close();
        }
        cosTable = newCos;
        sinTable = newSin;
        tablePositions = size;
    }

    /**
     * @param positionIds (B, T) int64
     * @return cos and sin, each (B, 1, T, headDim), ready to broadcast over heads
     */
    synchronized NDList cosSin(NDArray positionIds, int maxPosition) {
        ensurePositions(maxPosition + 1);
        NDManager caller = positionIds.getManager();
        NDArray cos = cosTable.get(caller, new NDIndex("{}", positionIds)).expandDims(1);
        NDArray sin = sinTable.get(caller, new NDIndex("{}", positionIds)).expandDims(1);
        return new NDList(cos, sin);
    }

    /**
     * A signed permutation: one matmul instead of split, negate and concatenate, because at decode time the cost of
     * a rotary step is the number of engine calls, not arithmetic.
     */
    private static NDArray rotateHalfMatrix(NDManager manager, int headDim) {
        int half = headDim / 2;
        float[] matrix = new float[headDim * headDim];
        for (int i = 0; i < half; i++) {
            matrix[(i + half) * headDim + i] = -1f; // output i takes -x[i + half]
            matrix[i * headDim + i + half] = 1f; // output i + half takes x[i]
        }
        NDArray rotation = manager.create(matrix, new Shape(headDim, headDim));
        NDScope.unregister(rotation);
        return rotation;
    }

    /** @param x (B, heads, T, headDim) */
    NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        return x.mul(cos).add(x.matMul(rotateHalf).mul(sin));
    }
}
