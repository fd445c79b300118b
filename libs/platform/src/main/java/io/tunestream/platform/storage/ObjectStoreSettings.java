package io.tunestream.platform.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Where every service keeps its objects: one group {@code tunestream.storage.*} (env {@code TUNESTREAM_STORAGE_BUCKET},
 * ...), the same for all services because they share one bucket. The connection itself is {@code quarkus.minio.*}.
 */
@ConfigMapping(prefix = "tunestream.storage")
public interface ObjectStoreSettings {

    /** The platform's one bucket (see the storage layout in docs/architecture.md). */
    @WithDefault("tunestream")
    String bucket();

    /** How long the readiness check waits for the object store before it reports it down. */
    @WithDefault("3s")
    Duration healthTimeout();
}
