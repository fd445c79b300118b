package io.tunestream.generation.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.tunestream.events.Channels;
import io.tunestream.events.PromptEvent;
import io.tunestream.events.kafka.IncomingEvents;
import io.tunestream.events.kafka.UnreadableRecordException;
import io.tunestream.generation.service.PromptGenerationService;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code tunestream.prompts} in batches and feeds the prompts into the scheduler.
 *
 * <ul>
 * <li><b>Offsets.</b> Each record is acknowledged on its own, only after its generation event was acknowledged by the
 *     broker (the publisher sends it again until it is); the channel's {@code throttled} commit strategy commits the highest offset below which every record is
 *     acknowledged. A replica killed mid-batch leaves its unfinished prompts uncommitted, and the replica that gets
 *     the partition generates them again (the dataset-service is idempotent on prompt hash + model version).</li>
 * <li><b>Backpressure.</b> The batch's stage completes when its last prompt is in the scheduler, and the connector
 *     delivers the next batch only then. A prompt waits (on the feeder thread) while the scheduler's queue is full
 *     or its model version is still loading, so the connector's bounded buffer fills up and it pauses the
 *     partitions: no prompt is buffered without bound, none is failed for being early.</li>
 * <li><b>Poison records.</b> A record that is not a valid prompt event is nacked with the parse error and the
 *     channel's dead-letter-queue strategy writes it, as received, to {@code <prefix>.prompts.dlq} with the reason
 *     in its {@code dead-letter-reason} header; the batch goes on.</li>
 * <li><b>Metrics.</b> {@code tunestream.generation.prompts.answered} counts the prompts whose generation event the
 *     broker acknowledged, per process: with several replicas in the consumer group, each one's share of the work.</li>
 * </ul>
 * The value arrives as bytes and is parsed here, so that the dead-letter topic receives the exact bytes that failed.
 */
@ApplicationScoped
public class PromptConsumer {

    private static final Logger LOG = Logger.getLogger(PromptConsumer.class);

    private final PromptGenerationService generation;
    private final GenerationPublisher publisher;
    private final Counter answered;
    /** Blocks while prompts wait for room or for their model; never the connector's or Vert.x's threads. */
    private final ExecutorService feeder = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tunestream-prompt-feeder");
        thread.setDaemon(true);
        return thread;
    });

    public PromptConsumer(PromptGenerationService generation, GenerationPublisher publisher, MeterRegistry metrics) {
        this.generation = generation;
        this.publisher = publisher;
        this.answered = Counter.builder("tunestream.generation.prompts.answered")
                .description("Prompts from the bus whose generation event the broker acknowledged (this process)")
                .register(metrics);
    }

    @Incoming(Channels.PROMPTS)
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return CompletableFuture.runAsync(() -> feed(batch), feeder);
    }

    private void feed(KafkaRecordBatch<String, byte[]> batch) {
        for (KafkaRecord<String, byte[]> record : batch.getRecords()) {
            PromptEvent prompt;
            try {
                prompt = IncomingEvents.read(
                        record.getTopic(), record.getHeaders(), record.getPayload(), PromptEvent.class);
            } catch (UnreadableRecordException e) {
                record.nack(e);
                continue;
            }
            try {
                generation.submit(prompt).thenCompose(publisher::publish).whenComplete((published, failure) -> {
                    if (failure == null) {
                        answered.increment();
                        record.ack();
                    } else {
                        // Only when the service stops before the broker acknowledged the generation (the
                        // publisher sends it again until then): the offset stays uncommitted and the prompt is redone
                        // after the restart. It is not dead-lettered, since the prompt itself is fine.
                        LOG.errorf(failure, "cannot publish the generation of prompt %s", prompt.promptHash());
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @PreDestroy
    void stop() {
        feeder.shutdownNow();
    }
}
