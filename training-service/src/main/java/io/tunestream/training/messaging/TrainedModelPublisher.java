package io.tunestream.training.messaging;

import io.tunestream.events.Channels;
import io.tunestream.events.Topic;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.events.TunestreamEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** Publishes {@code <prefix>.trained-models} and waits for the broker's acknowledgement. */
@ApplicationScoped
public class TrainedModelPublisher {

    static final URI SOURCE = URI.create("/tunestream/training-service");

    private final Emitter<ProducerRecord<String, TunestreamEvent>> emitter;
    private final String topicPrefix;

    public TrainedModelPublisher(
            @Channel(Channels.TRAINED_MODELS) Emitter<ProducerRecord<String, TunestreamEvent>> emitter,
            @ConfigProperty(name = Topic.PREFIX_KEY) String topicPrefix) {
        this.emitter = emitter;
        this.topicPrefix = topicPrefix;
    }

    public void publish(TrainedModelEvent event) {
        try {
            emitter.send(CloudEventsKafka.record(topicPrefix, event, SOURCE))
                    .toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + event.subject(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish " + event.subject() + ": " + e.getMessage(), e);
        }
    }
}
