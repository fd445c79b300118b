package io.tunestream.generation.health;

import io.tunestream.generation.messaging.GenerationPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Down while generation events cannot be published (the last attempt failed and no later one succeeded): the
 * publisher sends them again until the broker acknowledges them, and their prompt records stay unacknowledged until
 * then, so the service is not ready for more work but needs no restart. The channel's own check for records left
 * unacknowledged too long is off, since prompts legitimately wait while their model version loads.
 */
@Readiness
@ApplicationScoped
public class GenerationPublishingHealthCheck implements HealthCheck {

    static final String NAME = "Generation publishing";

    private final GenerationPublisher publisher;

    public GenerationPublishingHealthCheck(GenerationPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        return publisher
                .lastFailure()
                .map(failure -> HealthCheckResponse.named(NAME)
                        .down()
                        .withData("error", failure)
                        .build())
                .orElseGet(() -> HealthCheckResponse.named(NAME).up().build());
    }
}
