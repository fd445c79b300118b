package io.tunestream.dataset.messaging;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.tunestream.dataset.service.IngestionService;
import io.tunestream.events.Channels;
import io.tunestream.events.SampleEvent;
import io.tunestream.events.kafka.IncomingEvents;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Samples from producers on the bus. An event whose record is not valid for its dataset (or names no dataset) throws,
 * which sends it to {@code <prefix>.samples.dlq} with the reason; the channel goes on with the next.
 */
@ApplicationScoped
public class SampleConsumer {

    private final IngestionService ingestion;

    public SampleConsumer(IngestionService ingestion) {
        this.ingestion = ingestion;
    }

    @Incoming(Channels.SAMPLES)
    @Blocking
    public void consume(SampleEvent event, IncomingKafkaRecordMetadata<String, SampleEvent> metadata) {
        SampleEvent valid = IncomingEvents.require(event, metadata.getTopic(), metadata.getHeaders());
        UntilCommitted.run("sample " + valid.eventId(), () -> ingestion.ingest(valid));
    }
}
