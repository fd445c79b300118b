package io.tunestream.dataset.messaging;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.tunestream.dataset.service.PairService;
import io.tunestream.events.Channels;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.kafka.IncomingEvents;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Generations from the generation-service, assembled into pairs; a record that is no generation goes to the DLQ. */
@ApplicationScoped
public class GenerationConsumer {

    private final PairService pairs;

    public GenerationConsumer(PairService pairs) {
        this.pairs = pairs;
    }

    @Incoming(Channels.GENERATIONS)
    @Blocking
    public void consume(GenerationEvent generation, IncomingKafkaRecordMetadata<String, GenerationEvent> metadata) {
        GenerationEvent valid = IncomingEvents.require(generation, metadata.getTopic(), metadata.getHeaders());
        UntilCommitted.run("generation " + valid.eventId(), () -> pairs.assemble(valid));
    }
}
