package io.tunestream.platform.storage;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the object store answers and the platform's bucket exists. The bucket is provisioned by the operator
 * (the launcher, the Helm chart's job, or the test resource); a service never creates it, so a misconfigured bucket
 * name shows here instead of as a stray bucket.
 */
@Readiness
@ApplicationScoped
public class ObjectStoreHealthCheck implements AsyncHealthCheck {

    static final String NAME = "Object store";

    private final MinioClient minio;
    private final ObjectStoreSettings config;

    public ObjectStoreHealthCheck(MinioClient minio, ObjectStoreSettings config) {
        this.minio = minio;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        // The MinIO client's own timeouts are minutes long; a probe must answer within the probe's period.
        return Uni.createFrom()
                .item(this::probe)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem()
                .after(config.healthTimeout())
                .recoverWithItem(() -> HealthCheckResponse.named(NAME)
                        .down()
                        .withData("bucket", config.bucket())
                        .withData(
                                "error",
                                "no answer within " + config.healthTimeout().toMillis() + " ms")
                        .build());
    }

    private HealthCheckResponse probe() {
        var response = HealthCheckResponse.named(NAME).withData("bucket", config.bucket());
        try {
            if (minio.bucketExists(
                    BucketExistsArgs.builder().bucket(config.bucket()).build())) {
                return response.up().build();
            }
            return response.down()
                    .withData("error", "bucket '" + config.bucket() + "' does not exist")
                    .build();
        } catch (Exception e) {
            return response.down()
                    .withData("error", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .build();
        }
    }
}
