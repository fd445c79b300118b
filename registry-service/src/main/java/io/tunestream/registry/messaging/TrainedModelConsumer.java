package io.tunestream.registry.messaging;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.Guard;
import io.tunestream.events.Channels;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.events.kafka.IncomingEvents;
import io.tunestream.platform.problem.InvalidRequestException;
import io.tunestream.registry.config.RegistryConfig;
import io.tunestream.registry.service.TrainedModelRegistration;
import io.tunestream.registry.storage.ArtifactRejectedException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code tunestream.trained-models}: each finished job becomes a registered version (see
 * {@link TrainedModelRegistration}; idempotent on the job id, so a redelivery creates nothing).
 *
 * <p>A record that fails is nacked with the reason, and the channel's dead-letter-queue strategy writes it, as
 * received, to {@code <prefix>.trained-models.dlq} with the reason in its {@code dead-letter-reason} header; the
 * records after it go on. A record that can never succeed (not a valid event, files that differ from the event) is
 * dead-lettered at once; a failure that may pass (object store or database unavailable) is retried first with a
 * doubling wait (a SmallRye Fault Tolerance guard: {@code registration.attempts}, {@code registration.retry-backoff}).
 * The value arrives as bytes and is parsed here, so that the dead-letter topic receives the exact bytes
 * that failed.
 */
@ApplicationScoped
public class TrainedModelConsumer {

    private static final Logger LOG = Logger.getLogger(TrainedModelConsumer.class);

    private final TrainedModelRegistration registration;
    private final Guard retrying;

    public TrainedModelConsumer(TrainedModelRegistration registration, RegistryConfig config) {
        this.registration = registration;
        RegistryConfig.Registration settings = config.registration();
        // SmallRye Fault Tolerance's programmatic guard, so that the attempts and the first wait come from the
        // service's own configuration; no jitter, so that the waits double exactly; no overall limit but the attempts,
        // since one registration copies a whole checkpoint and may take minutes (a single wait is capped at an hour).
        this.retrying = Guard.create()
                .withDescription("registration of trained models")
                .withRetry()
                .maxRetries(settings.attempts() - 1)
                .delay(settings.retryBackoff().toMillis(), ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .maxDuration(365, ChronoUnit.DAYS)
                .abortOn(List.of(ArtifactRejectedException.class, InvalidRequestException.class))
                .beforeRetry(failure ->
                        LOG.warnf("registering a trained model failed, trying again: %s", failure.getMessage()))
                .withExponentialBackoff()
                .factor(2)
                .maxDelay(1, ChronoUnit.HOURS)
                .done()
                .done()
                .build();
    }

    @Incoming(Channels.TRAINED_MODELS)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        TrainedModelEvent event = IncomingEvents.read(record, TrainedModelEvent.class);
        retrying.get(() -> registration.register(event), TrainedModelRegistration.Outcome.class);
    }
}
