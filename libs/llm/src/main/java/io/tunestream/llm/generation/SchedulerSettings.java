package io.tunestream.llm.generation;

/**
 * @param maxBatchSize  sequences decoded together in one step (a request with n samples takes n)
 * @param queueCapacity requests waiting for a place in the batch before {@link QueueFullException}
 */
public record SchedulerSettings(int maxBatchSize, int queueCapacity) {

    public SchedulerSettings {
        if (maxBatchSize < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxBatchSize and queueCapacity must be positive");
        }
    }

    public static SchedulerSettings defaults() {
        return new SchedulerSettings(32, 1024);
    }
}
