package io.tunestream.registry.service;

/** A request that contradicts the registry's state (a model that exists, a version not ready): answered with 409. */
public class RegistryConflictException extends RuntimeException {

    public RegistryConflictException(String message) {
        super(message);
    }
}
