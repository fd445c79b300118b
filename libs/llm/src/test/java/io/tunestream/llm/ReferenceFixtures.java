package io.tunestream.llm;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The reference checkpoints under src/test/resources/reference (made by src/test/python/make_reference_checkpoints.py). */
public final class ReferenceFixtures {

    private ReferenceFixtures() {}

    public static Path directory(String fixture) {
        var config = ReferenceFixtures.class.getResource("/reference/" + fixture + "/config.json");
        if (config == null) {
            throw new IllegalArgumentException("no reference fixture named " + fixture);
        }
        try {
            return Paths.get(config.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
