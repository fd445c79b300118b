package io.tunestream.llm.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * The order in which a run draws its examples: seeded shuffled passes over the data (a new shuffle each epoch), with
 * batches bucketed by length. The position is one number, the examples drawn so far, so a resumed run replays the
 * seeded order up to it and continues exactly where its checkpoint left off.
 *
 * @param <E> the example type
 */
final class DataOrder<E> {

    /** Examples per window sorted by length: large enough to find neighbours, small enough to stay shuffled. */
    static final int BUCKET_BATCHES = 32;

    private final List<E> examples;
    private final int batchSize;
    private final ToIntFunction<E> length;
    private final Random order;
    private final List<E> epoch = new ArrayList<>();
    private long drawn;

    /** @param length an example's size in tokens, by which batches are bucketed */
    DataOrder(List<E> examples, int batchSize, long seed, ToIntFunction<E> length) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        this.examples = examples;
        this.batchSize = batchSize;
        this.length = length;
        this.order = new Random(seed);
    }

    /** The next micro-batch of {@code batchSize} examples. */
    List<E> nextBatch() {
        List<E> batch = new ArrayList<>();
        while (batch.size() < batchSize) {
            batch.add(draw());
        }
        return batch;
    }

    /** Moves to the position of a run that had drawn {@code count} examples, by replaying the seeded order. */
    void skip(long count) {
        for (long i = 0; i < count; i++) {
            draw();
        }
    }

    /** The examples drawn so far: the position a checkpoint records. */
    long drawn() {
        return drawn;
    }

    private E draw() {
        if (epoch.isEmpty()) {
            epoch.addAll(bucketedEpoch(order));
        }
        drawn++;
        return epoch.remove(epoch.size() - 1);
    }

    /**
     * One pass over the data in a seeded order, with batches bucketed by length: shuffle, sort windows of
     * {@value #BUCKET_BATCHES} batches by length so that each batch holds similar lengths (less padding), then shuffle
     * the batches. The result is consumed from the end.
     */
    List<E> bucketedEpoch(Random random) {
        List<E> shuffled = new ArrayList<>(examples);
        Collections.shuffle(shuffled, random);
        int window = batchSize * BUCKET_BATCHES;
        List<List<E>> batches = new ArrayList<>();
        for (int start = 0; start < shuffled.size(); start += window) {
            List<E> part = new ArrayList<>(shuffled.subList(start, Math.min(shuffled.size(), start + window)));
            part.sort(Comparator.comparingInt(length));
            for (int from = 0; from < part.size(); from += batchSize) {
                batches.add(part.subList(from, Math.min(part.size(), from + batchSize)));
            }
        }
        Collections.shuffle(batches, random);
        List<E> pass = new ArrayList<>(shuffled.size());
        for (int i = batches.size() - 1; i >= 0; i--) {
            List<E> reversed = new ArrayList<>(batches.get(i));
            Collections.reverse(reversed);
            pass.addAll(reversed);
        }
        return pass;
    }
}
