package io.tunestream.platform.storage;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Where a service keeps its objects: a group inside each service's own {@code @ConfigMapping} (key
 * {@code tunestream.<area>.storage}), which the service offers as a bean for the beans of this library. The connection
 * itself is {@code quarkus.minio.*}.
 */
public interface ObjectStoreSettings {

    /** The platform's one bucket (see the storage layout in docs/architecture.md). */
    @WithDefault("tunestream")
    String bucket();

    /** How long the readiness check waits for the object store before it reports it down. */
    @WithDefault("3s")
    Duration healthTimeout();
}
