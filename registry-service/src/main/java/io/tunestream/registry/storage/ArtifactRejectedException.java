package io.tunestream.registry.storage;

import io.tunestream.platform.problem.ConflictException;

/**
 * Files that can never be registered as given: a checksum or size that differs from the event's, a missing source
 * object, an unsafe path, or an object already under the version's prefix with other content. Retrying does not help;
 * a request that meets it is answered with 409.
 */
public class ArtifactRejectedException extends ConflictException {

    public ArtifactRejectedException(String message) {
        super(message);
    }

    public ArtifactRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
