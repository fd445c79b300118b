package io.tunestream.dataset.storage;

/** Object storage failed or refused a request; the message names the object. */
public class ObjectStoreException extends RuntimeException {

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
