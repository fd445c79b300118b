package io.tunestream.generation.messaging;

import io.tunestream.events.Channels;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.Topic;
import io.tunestream.events.TunestreamEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Publishes generation events to {@code <prefix>.generations} as CloudEvents in Kafka binary mode, keyed by prompt
 * hash.
 *
 * <p>A send the broker did not acknowledge (the broker down longer than the producer's own retries, say 60 s without
 * metadata after a restart) is sent again, with a backoff from 1 s doubling to 30 s, until it is acknowledged or the
 * service stops. Giving up instead would leave the prompt's record unacknowledged, so the committed offset could never
 * pass it and the prompt would wait for a restart of this service: that is how prompts were lost after a broker
 * restart. A resend is harmless: the dataset-service records a generation once per prompt hash and model version.
 */
@ApplicationScoped
public class GenerationPublisher {

    static final URI SOURCE = URI.create("/tunestream/generation-service");

    private static final Logger LOG = Logger.getLogger(GenerationPublisher.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Emitter<ProducerRecord<String, TunestreamEvent>> emitter;
    private final String topicPrefix;
    private final Duration firstBackoff;
    private final AtomicReference<String> lastFailure = new AtomicReference<>();
    private final AtomicBoolean stopped = new AtomicBoolean();

    @Inject
    public GenerationPublisher(
            @Channel(Channels.GENERATIONS) Emitter<ProducerRecord<String, TunestreamEvent>> emitter,
            @ConfigProperty(name = Topic.PREFIX_KEY) String topicPrefix) {
        this(emitter, topicPrefix, FIRST_BACKOFF);
    }

    GenerationPublisher(
            Emitter<ProducerRecord<String, TunestreamEvent>> emitter, String topicPrefix, Duration firstBackoff) {
        this.emitter = emitter;
        this.topicPrefix = topicPrefix;
        this.firstBackoff = firstBackoff;
    }

    /**
     * Completes when the broker has acknowledged the record, sending it again while it is not; fails only when the
     * service stops before that. While the last attempt failed, {@link #lastFailure()} says why.
     */
    public CompletionStage<Void> publish(GenerationEvent event) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        attempt(event, firstBackoff, acknowledged);
        return acknowledged;
    }

    private void attempt(GenerationEvent event, Duration backoff, CompletableFuture<Void> acknowledged) {
        CompletionStage<Void> sent;
        try {
            sent = emitter.send(CloudEventsKafka.record(topicPrefix, event, SOURCE));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((published, failure) -> {
            if (failure == null) {
                lastFailure.set(null);
                acknowledged.complete(null);
                return;
            }
            String reason = "generation of prompt " + event.promptHash() + ": " + failure.getMessage();
            lastFailure.set(reason);
            if (stopped.get()) {
                acknowledged.completeExceptionally(failure);
                return;
            }
            LOG.warnf("cannot publish the %s; sending it again in %s", reason, backoff);
            Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            CompletableFuture.delayedExecutor(backoff.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> attempt(event, next, acknowledged));
        });
    }

    /** Why the last publication failed, while no later one succeeded. */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure.get());
    }

    @PreDestroy
    void stop() {
        stopped.set(true);
    }
}
