package io.tunestream.generation.service;

import java.util.Map;
import java.util.Set;

/**
 * What to do with a prompt that names a model version, given what this replica knows. Pure logic, so that every rule
 * is tested without a model.
 *
 * <p>The rules, and why:
 * <ul>
 * <li>The loaded version answers prompts for itself, even while a newer production version is loading: the prompt
 *     asked for exactly that version, and its answer is a valid on-policy sample of it.</li>
 * <li>A version that failed to load (a file whose sha256 disagrees with its event, a checkpoint the engine cannot
 *     run) is refused with the reason: waiting would never end, and the error event tells the dataset-service why.</li>
 * <li>The production version that is still loading, and a version above every version seen so far (its promotion has
 *     not reached this replica yet), wait: they will be served soon.</li>
 * <li>A version that held production and lost it is refused, naming the production version: this service keeps one
 *     model in memory, the one in production, and the dataset-service's round for the old version is over (it sends
 *     the same samples again for the new version). Loading an old version for a stale prompt would evict the
 *     production model that serving and the current round need.</li>
 * <li>A version that is known but was never in production is refused for the same reason.</li>
 * </ul>
 */
public sealed interface VersionDecision {

    /** The loaded model answers. */
    record Serve() implements VersionDecision {
    }

    /** Wait for the next change of what this replica knows or has loaded, then decide again. */
    record Wait() implements VersionDecision {
    }

    /** Answer with an error event carrying {@code reason}. */
    record Refuse(String reason) implements VersionDecision {
    }

    /**
     * @param loadedVersion     the version in memory, 0 when none
     * @param productionVersion the version holding {@code production} according to the last event, 0 when none seen
     * @param formerProduction  versions that held {@code production} before and lost it
     * @param failedVersions    versions that could not be loaded, with why
     * @param highestSeen       the highest version of the model in any model-versions event, 0 when none
     */
    static VersionDecision decide(String model, int requested, int loadedVersion, int productionVersion,
            Set<Integer> formerProduction, Map<Integer, String> failedVersions, int highestSeen) {
        if (requested == loadedVersion) {
            return new Serve();
        }
        String failure = failedVersions.get(requested);
        if (failure != null) {
            return new Refuse("version " + requested + " of model " + model + " could not be loaded: " + failure);
        }
        if (requested == productionVersion || requested > highestSeen) {
            return new Wait();
        }
        if (formerProduction.contains(requested)) {
            return new Refuse("version " + requested + " of model " + model + " is no longer in production ("
                    + production(productionVersion) + "); this service serves only the production version");
        }
        return new Refuse("version " + requested + " of model " + model + " has never been in production ("
                + production(productionVersion) + "); this service serves only the production version");
    }

    private static String production(int productionVersion) {
        return productionVersion == 0 ? "no version is in production" : "production is version " + productionVersion;
    }
}
