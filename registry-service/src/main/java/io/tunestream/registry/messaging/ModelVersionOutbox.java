package io.tunestream.registry.messaging;

import io.tunestream.events.EventJson;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.Topic;
import io.tunestream.registry.OutboxEvent;
import io.tunestream.registry.repository.OutboxEventRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where a change of the registry puts the event announcing it: a row of {@code outbox_event} in the change's own
 * transaction. The event therefore exists if and only if the change committed; a change that rolls back takes its event
 * with it. After the commit the relay is woken to send it at once; if the process dies first, the relay's periodic
 * pass sends it after the restart.
 */
@ApplicationScoped
public class ModelVersionOutbox {

    private final OutboxEventRepository outbox;
    private final OutboxRelay relay;
    private final TransactionSynchronizationRegistry transactions;
    private final String topicPrefix;

    public ModelVersionOutbox(
            OutboxEventRepository outbox,
            OutboxRelay relay,
            TransactionSynchronizationRegistry transactions,
            @ConfigProperty(name = Topic.PREFIX_KEY) String topicPrefix) {
        this.outbox = outbox;
        this.relay = relay;
        this.transactions = transactions;
        this.topicPrefix = topicPrefix;
    }

    /** Adds the event to the current transaction; must be called inside one. */
    public void append(ModelVersionEvent event) {
        OutboxEvent row = new OutboxEvent();
        row.eventId = event.eventId();
        row.topic = event.topic().topicName(topicPrefix);
        row.recordKey = event.partitionKey();
        row.payload = EventJson.toJson(event);
        row.createdAt = Instant.now();
        outbox.persist(row);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    relay.requestDrain();
                }
            }
        });
    }
}
