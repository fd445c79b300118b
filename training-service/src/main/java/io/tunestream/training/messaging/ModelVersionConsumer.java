package io.tunestream.training.messaging;

import io.smallrye.common.annotation.Blocking;
import io.tunestream.events.Channels;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.kafka.IncomingEvents;
import io.tunestream.training.service.ModelVersionCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code tunestream.model-versions} into the {@link ModelVersionCatalog}: where each version's checkpoint is
 * and which one is in production. Poison records go to {@code <prefix>.model-versions.dlq}.
 */
@ApplicationScoped
public class ModelVersionConsumer {

    private final ModelVersionCatalog catalog;

    public ModelVersionConsumer(ModelVersionCatalog catalog) {
        this.catalog = catalog;
    }

    @Incoming(Channels.MODEL_VERSIONS)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        catalog.record(IncomingEvents.read(record, ModelVersionEvent.class));
    }
}
