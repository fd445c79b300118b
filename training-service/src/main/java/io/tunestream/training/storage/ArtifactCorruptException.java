package io.tunestream.training.storage;

/** A downloaded object is not what its event stated (sha256 or size), or its URI is unusable. */
public class ArtifactCorruptException extends RuntimeException {

    public ArtifactCorruptException(String message) {
        super(message);
    }
}
