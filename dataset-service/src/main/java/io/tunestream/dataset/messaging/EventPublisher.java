package io.tunestream.dataset.messaging;

import io.tunestream.dataset.config.DatasetConfig;
import io.tunestream.events.Channels;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.PromptEvent;
import io.tunestream.events.Topic;
import io.tunestream.events.TunestreamEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Publishes events as CloudEvents (binary mode) and waits for the broker's acknowledgement, so that a caller marks an
 * event as published only once it is.
 */
@ApplicationScoped
public class EventPublisher {

    private final Emitter<ProducerRecord<String, TunestreamEvent>> prompts;
    private final Emitter<ProducerRecord<String, TunestreamEvent>> datasetVersions;
    private final String topicPrefix;
    private final URI source;

    public EventPublisher(
            @Channel(Channels.PROMPTS) Emitter<ProducerRecord<String, TunestreamEvent>> prompts,
            @Channel(Channels.DATASET_VERSIONS) Emitter<ProducerRecord<String, TunestreamEvent>> datasetVersions,
            @ConfigProperty(name = Topic.PREFIX_KEY) String topicPrefix,
            DatasetConfig config) {
        this.prompts = prompts;
        this.datasetVersions = datasetVersions;
        this.topicPrefix = topicPrefix;
        this.source = URI.create(config.eventSource());
    }

    /** Sends the prompts and returns when the broker acknowledged every one; throws if any send failed. */
    public void publishPrompts(List<PromptEvent> events) {
        CompletableFuture<?>[] sent = events.stream()
                .map(event -> prompts.send(CloudEventsKafka.record(topicPrefix, event, source))
                        .toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(sent).join();
    }

    /** Sends the version event and returns when the broker acknowledged it. */
    public void publishDatasetVersion(DatasetVersionEvent event) {
        datasetVersions
                .send(CloudEventsKafka.record(topicPrefix, event, source))
                .toCompletableFuture()
                .join();
    }
}
