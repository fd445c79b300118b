package io.tunestream.generation.messaging;

import io.tunestream.events.Channels;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.kafka.IncomingEvents;
import io.tunestream.events.kafka.UnreadableRecordException;
import io.tunestream.generation.service.ModelCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Every model-versions event, to every replica: the channel's group id is unique per process and it starts from the
 * earliest offset, so a replica (re)started at any time replays the registry's history and ends at the current
 * production version.
 *
 * <p>A record that is not a valid event is logged and skipped rather than dead-lettered: every replica reads every
 * record from the beginning at every start, so dead-lettering here would write one copy per replica per restart.
 * The dataset-service reads this topic in one consumer group and dead-letters such a record once.
 */
@ApplicationScoped
public class ModelVersionConsumer {

    private static final Logger LOG = Logger.getLogger(ModelVersionConsumer.class);

    private final ModelCatalog models;

    public ModelVersionConsumer(ModelCatalog models) {
        this.models = models;
    }

    @Incoming(Channels.MODEL_VERSIONS)
    public void consume(ConsumerRecord<String, byte[]> record) {
        ModelVersionEvent event;
        try {
            event = IncomingEvents.read(record, ModelVersionEvent.class);
        } catch (UnreadableRecordException e) {
            LOG.warnf("skipping %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        models.onModelVersion(event);
    }
}
