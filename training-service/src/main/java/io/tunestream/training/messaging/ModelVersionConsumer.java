package io.tunestream.training.messaging;

import io.smallrye.common.annotation.Blocking;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.kafka.EventDeserializer;
import io.tunestream.training.service.ModelVersionCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code tunestream.model-versions} into the {@link ModelVersionCatalog}: where each version's checkpoint is
 * and which one is in production. Poison records go to {@code tunestream.model-versions.dlq}.
 */
@ApplicationScoped
public class ModelVersionConsumer {

    private final ModelVersionCatalog catalog;
    private final EventDeserializer deserializer = new EventDeserializer();

    public ModelVersionConsumer(ModelVersionCatalog catalog) {
        this.catalog = catalog;
    }

    @Incoming(Channels.MODEL_VERSIONS)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        catalog.record(Records.parse(deserializer, record, ModelVersionEvent.class));
    }
}
