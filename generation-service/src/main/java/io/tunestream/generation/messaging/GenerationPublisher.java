package io.tunestream.generation.messaging;

import io.tunestream.events.Channels;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.Topic;
import io.tunestream.events.TunestreamEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** Publishes generation events to {@code <prefix>.generations} as CloudEvents in Kafka binary mode, keyed by prompt hash. */
@ApplicationScoped
public class GenerationPublisher {

    static final URI SOURCE = URI.create("/tunestream/generation-service");

    private final Emitter<ProducerRecord<String, TunestreamEvent>> emitter;
    private final String topicPrefix;
    private final AtomicReference<String> lastFailure = new AtomicReference<>();

    public GenerationPublisher(
            @Channel(Channels.GENERATIONS) Emitter<ProducerRecord<String, TunestreamEvent>> emitter,
            @ConfigProperty(name = Topic.PREFIX_KEY) String topicPrefix) {
        this.emitter = emitter;
        this.topicPrefix = topicPrefix;
    }

    /**
     * Completes when the broker has acknowledged the record, fails when it could not be written (after the
     * producer's own retries); a failure is remembered for {@link #lastFailure()}.
     */
    public CompletionStage<Void> publish(GenerationEvent event) {
        return emitter.send(CloudEventsKafka.record(topicPrefix, event, SOURCE)).whenComplete((published, failure) -> {
            if (failure != null) {
                lastFailure.set("generation of prompt " + event.promptHash() + ": " + failure.getMessage());
            }
        });
    }

    /** The last publication that failed, if any since start. */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure.get());
    }
}
