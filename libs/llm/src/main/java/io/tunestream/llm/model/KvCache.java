package io.tunestream.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Keys and values of every layer for a batch of left-padded sequences, for incremental decoding.
 *
 * <p>Row {@code b} holds valid entries in columns {@code [firstValid[b], length)}; the columns before are padding and
 * are masked out. Buffers are preallocated with spare capacity so a decode step writes one column in place instead of
 * copying the whole cache. Rows can be dropped ({@link #keepRows}) and two caches joined ({@link #concatRows}), which
 * is how the continuous-batching scheduler lets sequences leave and join a running batch.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private int batchSize;
    private int length;
    private int capacity;
    private int[] firstValid;
    private NDArray[] keys; // per layer (B, kvHeads, capacity, headDim)
    private NDArray[] values; // per layer (B, kvHeads, capacity, headDim)

    public KvCache(NDManager parent, LlamaConfig config, int batchSize) {
        this(parent.newSubManager(), config.numLayers(), config.numKvHeads(), config.headDim(), batchSize);
    }

    private KvCache(NDManager manager, int layers, int kvHeads, int headDim, int batchSize) {
        this.manager = manager;
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.batchSize = batchSize;
        this.firstValid = new int[batchSize];
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    public int batchSize() {
        return batchSize;
    }

    /** Columns filled so far (padding included). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** Number of real (non-padding) tokens cached for a row: also the position id of its next token. */
    public int tokens(int row) {
        return length - firstValid[row];
    }

    int firstValid(int row) {
        return firstValid[row];
    }

    /** Before the first chunk: the left padding of each row of that chunk. */
    void setLeftPadding(int[] leftPadding) {
        if (length != 0) {
            throw new IllegalStateException("left padding is set by the first chunk only");
        }
        firstValid = leftPadding.clone();
    }

    /** Makes room for {@code additional} columns, growing geometrically. */
    void reserve(int additional) {
        int needed = length + additional;
        if (needed <= capacity) {
            return;
        }
        int newCapacity = Math.max(needed, Math.max(16, capacity * 2));
        for (int layer = 0; layer < layers; layer++) {
            keys[layer] = grow(keys[layer], newCapacity);
            values[layer] = grow(values[layer], newCapacity);
        }
        capacity = newCapacity;
    }

    private NDArray grow(NDArray old, int newCapacity) {
        NDArray buffer = manager.zeros(new Shape(batchSize, kvHeads, newCapacity, headDim), DataType.FLOAT32);
        NDScope.unregister(buffer);
        if (old != null) {
            if (length > 0) {
                try (NDManager scratch = manager.newSubManager()) {
                    buffer.set(
                            new NDIndex(":, :, :{}, :", length), old.get(scratch, new NDIndex(":, :, :{}, :", length)));
                }
            }
            old.close();
        }
        return buffer;
    }

    /**
     * Writes the new keys and values of one layer after the cached columns and returns the full (cached + new) keys
     * and values as views.
     *
     * @param newKeys (B, kvHeads, T, headDim)
     * @return keys and values, each (B, kvHeads, length + T, headDim)
     */
    NDArray[] update(int layer, NDArray newKeys, NDArray newValues) {
        int steps = (int) newKeys.getShape().get(2);
        NDIndex target = new NDIndex(":, :, {}:{}, :", length, length + steps);
        keys[layer].set(target, newKeys);
        values[layer].set(target, newValues);
        NDIndex filled = new NDIndex(":, :, :{}, :", length + steps);
        NDManager callerManager = newKeys.getManager();
        return new NDArray[] {keys[layer].get(callerManager, filled), values[layer].get(callerManager, filled)};
    }

    /** After all layers have been updated with a chunk of {@code steps} tokens. */
    void advance(int steps) {
        length += steps;
    }

    /** Keeps only the given rows, in that order (finished sequences leave the batch). */
    public void keepRows(int[] rows) {
        int[] newFirstValid = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            newFirstValid[i] = firstValid[rows[i]];
        }
        // Columns that are padding in every remaining row need not be kept.
        int drop =
                rows.length == 0 ? length : Arrays.stream(newFirstValid).min().orElse(0);
        int newLength = length - drop;
        rebuild(rows.length, newLength, newLength + Math.max(16, capacity - length), (layer, isKey, buffer) -> {
            NDArray source = isKey ? keys[layer] : values[layer];
            if (source == null || rows.length == 0 || newLength == 0) {
                return;
            }
            try (NDManager scratch = manager.newSubManager()) {
                NDArray index =
                        scratch.create(Arrays.stream(rows).asLongStream().toArray());
                NDArray selected = source.get(scratch, new NDIndex(":, :, {}:{}, :", drop, length))
                        .get(index);
                buffer.set(new NDIndex(":, :, :{}, :", newLength), selected);
            }
        });
        for (int i = 0; i < newFirstValid.length; i++) {
            newFirstValid[i] -= drop;
        }
        firstValid = newFirstValid;
        length = newLength;
        batchSize = rows.length;
    }

    /**
     * Appends the rows of {@code other} (which is closed), right-aligning both so that every row's last token is in
     * the last column.
     */
    public void concatRows(KvCache other) {
        int newLength = Math.max(length, other.length);
        int shiftThis = newLength - length;
        int shiftOther = newLength - other.length;
        int newBatch = batchSize + other.batchSize;
        int spare = Math.max(16, Math.max(capacity - length, other.capacity - other.length));
        rebuild(newBatch, newLength, newLength + spare, (layer, isKey, buffer) -> {
            NDArray mine = isKey ? keys[layer] : values[layer];
            NDArray theirs = isKey ? other.keys[layer] : other.values[layer];
            try (NDManager scratch = manager.newSubManager()) {
                if (mine != null && batchSize > 0 && length > 0) {
                    buffer.set(
                            new NDIndex(":{}, :, {}:{}, :", batchSize, shiftThis, newLength),
                            mine.get(scratch, new NDIndex(":, :, :{}, :", length)));
                }
                if (theirs != null && other.batchSize > 0 && other.length > 0) {
                    buffer.set(
                            new NDIndex("{}:, :, {}:{}, :", batchSize, shiftOther, newLength),
                            theirs.get(scratch, new NDIndex(":, :, :{}, :", other.length)));
                }
            }
        });
        int[] newFirstValid = new int[newBatch];
        for (int i = 0; i < batchSize; i++) {
            newFirstValid[i] = firstValid[i] + shiftThis;
        }
        for (int i = 0; i < other.batchSize; i++) {
            newFirstValid[batchSize + i] = other.firstValid[i] + shiftOther;
        }
        firstValid = newFirstValid;
        batchSize = newBatch;
        length = newLength;
        other.close();
    }

    private interface Filler {
        void fill(int layer, boolean isKey, NDArray buffer);
    }

    private void rebuild(int newBatch, int newLength, int newCapacity, Filler filler) {
        NDArray[] newKeys = new NDArray[layers];
        NDArray[] newValues = new NDArray[layers];
        for (int layer = 0; layer < layers; layer++) {
            newKeys[layer] = manager.zeros(new Shape(newBatch, kvHeads, newCapacity, headDim), DataType.FLOAT32);
            newValues[layer] = manager.zeros(new Shape(newBatch, kvHeads, newCapacity, headDim), DataType.FLOAT32);
            NDScope.unregister(newKeys[layer], newValues[layer]);
            filler.fill(layer, true, newKeys[layer]);
            filler.fill(layer, false, newValues[layer]);
            if (keys[layer] != null) {
                keys[layer].close();
                values[layer].close();
            }
        }
        keys = newKeys;
        values = newValues;
        capacity = newCapacity;
    }

    @Override
    public void close() {
        manager.close();
    }
}
