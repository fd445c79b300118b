package io.tunestream.generation.storage;

/** A downloaded model file is not what its model-versions event announced (sha256 or size): it is never loaded. */
public class ArtifactVerificationException extends RuntimeException {

    public ArtifactVerificationException(String message) {
        super(message);
    }
}
