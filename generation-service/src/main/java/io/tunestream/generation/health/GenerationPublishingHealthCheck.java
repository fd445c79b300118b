package io.tunestream.generation.health;

import io.tunestream.generation.messaging.GenerationPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Down once a generation event could not be published. Its prompt record stays unacknowledged, so the committed
 * offset can no longer pass it: only a restart (or a rebalance) redoes that prompt, and this check asks for the
 * restart. The channel's own check for records left unacknowledged too long is off, since prompts legitimately wait
 * while their model version loads.
 */
@Liveness
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
