package io.tunestream.generation.service;

import java.util.Map;
import java.util.Set;

/**
 * What to do with a prompt that names a model version, given what this replica knows. Pure logic, so that every rule
 * is tested without a model.
 *
 * <p>The rules, and why:
 * <ul>
 * <li>A loaded version answers prompts for itself, even while a newer production version is loading: the prompt
 *     asked for exactly that version, and its answer is a valid on-policy sample of it.</li>
 * <li>A version that failed to load (a file whose sha256 disagrees with its event, a checkpoint the engine cannot
 *     run) or that the registry rejected is refused with the reason: waiting would never end, and the error event
 *     tells the dataset-service why.</li>
 * <li>The production version that is still loading waits, and so does any version above it: its promotion may not
 *     have reached this replica yet (the dataset-service reads the same topic in its own group, possibly ahead).</li>
 * <li>A version that held production and lost it (to a promotion or a roll-back) is refused, naming the production version: the dataset-service's round for
 *     the old version is over (it sends the same samples again for the new version), and loading an old version for
 *     a stale prompt would take memory from, or evict, the production models that serving and the current round
 *     need.</li>
 * <li>A version below production that never held it is refused for the same reason.</li>
 * </ul>
 */
public sealed interface VersionDecision {

    /** The loaded model answers. */
    record Serve() implements VersionDecision {}

    /** Wait for the next change of what this replica knows or has loaded, then decide again. */
    record Wait() implements VersionDecision {}

    /** Answer with an error event carrying {@code reason}. */
    record Refuse(String reason) implements VersionDecision {}

    /**
     * @param loaded            whether the requested version is in memory
     * @param productionVersion the version holding {@code production} according to the last event, 0 when none seen
     * @param formerProduction  versions that held {@code production} before and lost it
     * @param failedVersions    versions that could not be loaded, with why
     * @param rejectedVersions  versions the registry rejected, with its reason
     */
    static VersionDecision decide(
            String model,
            int requested,
            boolean loaded,
            int productionVersion,
            Set<Integer> formerProduction,
            Map<Integer, String> failedVersions,
            Map<Integer, String> rejectedVersions) {
        if (loaded) {
            return new Serve();
        }
        String failure = failedVersions.get(requested);
        if (failure != null) {
            return new Refuse("version " + requested + " of model " + model + " could not be loaded: " + failure);
        }
        String rejection = rejectedVersions.get(requested);
        if (rejection != null) {
            return new Refuse(
                    "version " + requested + " of model " + model + " was rejected by the registry: " + rejection);
        }
        if (formerProduction.contains(requested)) {
            return new Refuse("version " + requested + " of model " + model
                    + " is no longer in production (production is" + " version " + productionVersion
                    + "); prompts are answered only by the production version");
        }
        if (requested >= productionVersion) {
            return new Wait();
        }
        return new Refuse("version " + requested + " of model " + model + " has never been in production (production is"
                + " version " + productionVersion + "); prompts are answered only by the production version");
    }
}
