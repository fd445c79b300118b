package io.tunestream.gateway.client;

/** A service behind the gateway did not answer: refused, timed out, or its circuit breaker is open. */
public class ServiceUnavailableException extends RuntimeException {

    private final Service service;

    public ServiceUnavailableException(Service service, String reason, Throwable cause) {
        super(service.displayName() + " is unavailable: " + reason, cause);
        this.service = service;
    }

    public Service service() {
        return service;
    }
}
