package io.tunestream.platform.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Where a service keeps its objects. The connection itself is {@code quarkus.minio.*}. */
@ConfigMapping(prefix = "tunestream.storage")
public interface StorageConfig {

    /** The one bucket of the platform (see the storage layout in docs/architecture.md). */
    @WithDefault("tunestream")
    String bucket();

    /** How long the readiness check waits for the object store before it reports it down. */
    @WithDefault("3s")
    Duration healthTimeout();
}
