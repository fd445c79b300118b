package io.tunestream.training;

/**
 * Where a training job is in its life; every state but QUEUED and RUNNING is final.
 *
 * <ul>
 *   <li>{@code SUPERSEDED}: never trained, because the model version that generated its dataset version is no longer
 *       production (its pairs are answers of a model nobody serves, and its parent would not be production); the
 *       job's {@code reason} says which versions. The hyperparameter {@code trainSuperseded=true} trains it anyway.</li>
 *   <li>{@code COALESCED}: never trained on its own: its dataset version was queued beside others of the same pipeline
 *       and round, and the job named by {@code coalescedInto} trains all of them together.</li>
 * </ul>
 */
public enum JobState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    SUPERSEDED,
    COALESCED;

    public boolean isFinal() {
        return this != QUEUED && this != RUNNING;
    }
}
