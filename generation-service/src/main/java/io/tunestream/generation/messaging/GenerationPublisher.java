package io.tunestream.generation.messaging;

import io.tunestream.events.GenerationEvent;
import io.tunestream.events.TunestreamEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import io.tunestream.generation.config.GenerationConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** Publishes generation events to {@code <prefix>.generations} as CloudEvents in Kafka binary mode, keyed by prompt hash. */
@ApplicationScoped
public class GenerationPublisher {

    static final URI SOURCE = URI.create("/tunestream/generation-service");

    private final Emitter<ProducerRecord<String, TunestreamEvent>> emitter;
    private final String topicPrefix;

    public GenerationPublisher(@Channel(Channels.GENERATIONS) Emitter<ProducerRecord<String, TunestreamEvent>> emitter,
            GenerationConfig config) {
        this.emitter = emitter;
        this.topicPrefix = config.topicPrefix();
    }

    /** Completes when the broker has acknowledged the record, fails when it could not be written. */
    public CompletionStage<Void> publish(GenerationEvent event) {
        return emitter.send(CloudEventsKafka.record(topicPrefix, event, SOURCE));
    }
}
