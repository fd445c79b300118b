package io.tunestream.platform.storage;

/**
 * An object's content is not what its reference states (sha256 or size). Retrying does not help: the object or the
 * reference is wrong, and the content is never used.
 */
public class ObjectIntegrityException extends RuntimeException {

    public ObjectIntegrityException(String message) {
        super(message);
    }
}
