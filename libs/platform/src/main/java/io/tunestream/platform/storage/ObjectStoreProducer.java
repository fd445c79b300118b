package io.tunestream.platform.storage;

import io.minio.MinioClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The services' {@link ObjectStore}: the Quarkus MinIO client ({@code quarkus.minio.*}) on {@code tunestream.storage.bucket}. */
@ApplicationScoped
public class ObjectStoreProducer {

    @Produces
    @Singleton
    ObjectStore objectStore(MinioClient minio, ObjectStoreSettings settings) {
        return new ObjectStore(minio, settings.bucket());
    }
}
