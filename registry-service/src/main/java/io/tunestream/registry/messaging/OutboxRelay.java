package io.tunestream.registry.messaging;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tunestream.events.Channels;
import io.tunestream.events.EventJson;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.Topic;
import io.tunestream.events.TunestreamEvent;
import io.tunestream.events.kafka.CloudEventsKafka;
import io.tunestream.registry.OutboxEvent;
import io.tunestream.registry.config.RegistryConfig;
import io.tunestream.registry.repository.OutboxEventRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Sends the outbox's events to {@code <prefix>.model-versions}, in the order their changes committed, and marks each
 * one sent once the broker acknowledged it.
 *
 * <ul>
 * <li><b>When.</b> Right after every commit that appended events ({@link #requestDrain()}), and every
 *     {@code tunestream.registry.outbox.poll-interval} for events left behind: by a process that died between commit
 *     and send, or while the broker was unreachable.</li>
 * <li><b>One relay at a time.</b> A pass holds a PostgreSQL transaction-level advisory lock, so replicas never send
 *     concurrently and never reorder one model's events; a replica that does not get the lock skips its pass.</li>
 * <li><b>At least once.</b> A process that dies after the broker's acknowledgement but before its commit sends those
 *     events again, with the same event id. Consumers are idempotent on the natural key (model, version, action,
 *     alias), as for every topic of the platform.</li>
 * <li><b>Order.</b> A pass stops at the first event that cannot be sent, so a later event of a model never overtakes
 *     an earlier one.</li>
 * </ul>
 */
@ApplicationScoped
public class OutboxRelay {

    static final URI SOURCE = URI.create("/tunestream/registry-service");
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** The advisory lock key of the relay: "tsreg-ob" as a number, unique within the registry database. */
    private static final long ADVISORY_LOCK_KEY = 0x747372656721L;

    private final Emitter<ProducerRecord<String, TunestreamEvent>> emitter;
    private final OutboxEventRepository outbox;
    private final EntityManager entityManager;
    private final String topicPrefix;
    private final RegistryConfig.Outbox settings;
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    /** Events committed but not yet sent, as of the end of the last pass; a growing value means the broker is unreachable. */
    private final AtomicLong pending = new AtomicLong();

    private ScheduledExecutorService executor;

    public OutboxRelay(
            @Channel(Channels.MODEL_VERSIONS) Emitter<ProducerRecord<String, TunestreamEvent>> emitter,
            OutboxEventRepository outbox,
            EntityManager entityManager,
            RegistryConfig config,
            MeterRegistry meters,
            @ConfigProperty(name = Topic.PREFIX_KEY) String topicPrefix) {
        this.emitter = emitter;
        this.outbox = outbox;
        this.entityManager = entityManager;
        this.topicPrefix = topicPrefix;
        this.settings = config.outbox();
        Gauge.builder("tunestream.registry.outbox.pending", pending, AtomicLong::get)
                .description("model-versions events committed but not yet acknowledged by the broker")
                .register(meters);
    }

    void start(@Observes StartupEvent startup) {
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tunestream-outbox-relay");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.pollInterval().toMillis();
        executor.scheduleWithFixedDelay(this::drainLogged, 0, interval, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** Sends pending events soon, on the relay's thread; requests made while one is queued are merged into it. */
    public void requestDrain() {
        if (executor != null && drainQueued.compareAndSet(false, true)) {
            executor.execute(() -> {
                drainQueued.set(false);
                drainLogged();
            });
        }
    }

    private void drainLogged() {
        try {
            while (drainOnce() == settings.batchSize()) {
                // A full batch: more may be waiting.
            }
            pending.set(pendingCount());
        } catch (RuntimeException e) {
            LOG.errorf(e, "the outbox relay failed; it tries again in %s", settings.pollInterval());
        }
    }

    /** One pass: sends up to a batch of pending events; returns how many were sent. */
    int drainOnce() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object locked = entityManager
                    .createNativeQuery("select pg_try_advisory_xact_lock(?1)")
                    .setParameter(1, ADVISORY_LOCK_KEY)
                    .getSingleResult();
            if (!Boolean.TRUE.equals(locked)) {
                return 0;
            }
            List<OutboxEvent> pending = outbox.oldestUnpublished(settings.batchSize());
            int sent = 0;
            for (OutboxEvent row : pending) {
                try {
                    ModelVersionEvent event = EventJson.fromJson(row.payload, ModelVersionEvent.class);
                    emitter.send(CloudEventsKafka.record(topicPrefix, event, SOURCE))
                            .toCompletableFuture()
                            .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    row.publishedAt = Instant.now();
                    sent++;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (Exception e) {
                    row.attempts++;
                    row.lastError = truncate(e.toString());
                    LOG.warnf("cannot send outbox event %s (%s) yet: %s", row.eventId, row.topic, e.getMessage());
                    break;
                }
            }
            return sent;
        });
    }

    /** Events committed but not yet acknowledged by the broker. */
    public long pendingCount() {
        return QuarkusTransaction.requiringNew().call(outbox::countUnpublished);
    }

    private static String truncate(String text) {
        return text.length() <= 1000 ? text : text.substring(0, 1000);
    }
}
