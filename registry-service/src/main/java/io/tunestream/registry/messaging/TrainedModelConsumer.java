package io.tunestream.registry.messaging;

import io.smallrye.common.annotation.Blocking;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.events.kafka.EventDeserializer;
import io.tunestream.registry.config.RegistryConfig;
import io.tunestream.registry.service.InvalidRequestException;
import io.tunestream.registry.service.TrainedModelRegistration;
import io.tunestream.registry.storage.ArtifactRejectedException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code tunestream.trained-models}: each finished job becomes a registered version (see
 * {@link TrainedModelRegistration}; idempotent on the job id, so a redelivery creates nothing).
 *
 * <p>A record that fails is nacked with the reason, and the channel's dead-letter-queue strategy writes it, as
 * received, to {@code tunestream.trained-models.dlq} with the reason in its {@code dead-letter-reason} header; the
 * records after it go on. A record that can never succeed (not a valid event, files that differ from the event) is
 * dead-lettered at once; a failure that may pass (object store or database unavailable) is retried first with a
 * doubling wait. The value arrives as bytes and is parsed here, so that the dead-letter topic receives the exact bytes
 * that failed.
 */
@ApplicationScoped
public class TrainedModelConsumer {

    private static final Logger LOG = Logger.getLogger(TrainedModelConsumer.class);

    private final TrainedModelRegistration registration;
    private final RegistryConfig.Registration settings;
    private final EventDeserializer deserializer = new EventDeserializer();

    public TrainedModelConsumer(TrainedModelRegistration registration, RegistryConfig config) {
        this.registration = registration;
        this.settings = config.registration();
    }

    @Incoming(Channels.TRAINED_MODELS)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        TrainedModelEvent event = parse(record);
        Duration wait = settings.retryBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                registration.register(event);
                return;
            } catch (ArtifactRejectedException | InvalidRequestException e) {
                throw e;
            } catch (RuntimeException e) {
                if (attempt >= settings.attempts()) {
                    throw e;
                }
                LOG.warnf("registering job %s failed (attempt %d of %d), trying again in %s: %s", event.jobId(), attempt,
                        settings.attempts(), wait, e.getMessage());
                Thread.sleep(wait.toMillis());
                wait = wait.multipliedBy(2);
            }
        }
    }

    private TrainedModelEvent parse(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            throw new SerializationException("topic " + record.topic() + ": the record has no value (a tombstone)");
        }
        try {
            return (TrainedModelEvent) deserializer.deserialize(record.topic(), record.value());
        } catch (ClassCastException e) {
            throw new SerializationException("topic " + record.topic() + " does not carry trained-model events", e);
        }
    }
}
