package io.tunestream.llm.generation;

import java.util.concurrent.RejectedExecutionException;

/** The scheduler's queue is full: the caller should pause (Kafka) or answer 429/503 (HTTP) and retry later. */
public class QueueFullException extends RejectedExecutionException {

    public QueueFullException(int capacity) {
        super("the generation queue is full (" + capacity + " requests waiting)");
    }
}
