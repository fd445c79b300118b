package io.tunestream.platform.security;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

/** A service's route, as far as the internal-token tests need one: it says it was reached. */
@Path("/probe")
public class ProbeResource {

    @GET
    public String get() {
        return "reached";
    }

    @POST
    public String post(String body) {
        return "reached with " + body.length() + " bytes";
    }
}
