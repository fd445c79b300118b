package io.tunestream.training.registry;

/** The registry answered a request with a refusal (4xx): asking again would get the same answer. */
public class RegistryRefusedException extends RuntimeException {

    public RegistryRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
