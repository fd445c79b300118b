package io.tunestream.gateway.client;

/**
 * The fault-tolerance settings of the typed REST clients, in one place. Annotation values must be constants; each
 * can still be overridden per client at run time with MicroProfile Fault Tolerance keys, e.g.
 * {@code io.tunestream.gateway.client.DatasetRestClient/Timeout/value=5000}.
 */
final class ClientPolicy {

    /** A JSON call that has not answered in this time is abandoned with a 503: the service is stuck, not slow. */
    static final long TIMEOUT_MILLIS = 10_000;
    /** Reads are retried twice, briefly: enough to ride over a restarting replica, short of the timeout. */
    static final int RETRIES = 2;

    static final long RETRY_DELAY_MILLIS = 100;
    /** Of the last 4 calls to one route, half failing opens the breaker for 5 s: further calls fail at once. */
    static final int BREAKER_VOLUME = 4;

    static final double BREAKER_RATIO = 0.5;
    static final long BREAKER_DELAY_MILLIS = 5_000;

    private ClientPolicy() {}
}
