package io.tunestream.testing;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * A route that fails as no route of a service should, so that each service's contract test can see how an unexpected
 * failure is answered. A service's tests get it from this jar's index; it never ships with a service.
 */
@Path(ProblemProbeResource.PATH)
public class ProblemProbeResource {

    public static final String PATH = "/test-probes/unexpected-failure";

    /** What the failure's message carries, which must stay in the service's log. */
    public static final String SECRET = "jdbc:postgresql://10.0.0.7/tunestream?password=probe";

    @GET
    public String fail() {
        throw new IllegalStateException("io.tunestream.testing.Internals could not reach " + SECRET);
    }
}
