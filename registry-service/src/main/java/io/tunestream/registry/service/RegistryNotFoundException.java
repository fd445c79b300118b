package io.tunestream.registry.service;

/** An unknown model, version or alias: answered with 404. */
public class RegistryNotFoundException extends RuntimeException {

    public RegistryNotFoundException(String message) {
        super(message);
    }
}
