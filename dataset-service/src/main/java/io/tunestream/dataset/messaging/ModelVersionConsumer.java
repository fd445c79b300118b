package io.tunestream.dataset.messaging;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.tunestream.dataset.service.RoundService;
import io.tunestream.events.Channels;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.kafka.IncomingEvents;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Registry changes: a new production version starts the next round of the model's dpo pipelines. */
@ApplicationScoped
public class ModelVersionConsumer {

    private final RoundService rounds;

    public ModelVersionConsumer(RoundService rounds) {
        this.rounds = rounds;
    }

    @Incoming(Channels.MODEL_VERSIONS)
    @Blocking
    public void consume(ModelVersionEvent event, IncomingKafkaRecordMetadata<String, ModelVersionEvent> metadata) {
        ModelVersionEvent valid = IncomingEvents.require(event, metadata.getTopic(), metadata.getHeaders());
        UntilCommitted.run("model version " + valid.eventId(), () -> rounds.apply(valid));
    }
}
