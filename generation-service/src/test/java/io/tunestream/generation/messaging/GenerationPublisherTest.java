package io.tunestream.generation.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunestream.events.FinishReason;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.SamplingParameters;
import io.tunestream.events.TunestreamEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/**
 * A generation the broker did not acknowledge (what the producer reports when a restarted broker is not back within
 * its 60 s wait for metadata) is sent again until it is: giving up left the prompt's record unacknowledged, so the
 * prompt waited for a restart of the service, which a local stack never does (the chaos run lost prompts so).
 */
class GenerationPublisherTest {

    private static final String PROMPT_HASH = "a".repeat(64);

    @Test
    void aGenerationTheBrokerDidNotAcknowledgeIsSentAgainUntilItIs() throws Exception {
        FailingEmitter emitter = new FailingEmitter(3);
        GenerationPublisher publisher = new GenerationPublisher(emitter, "tunestream", Duration.ofMillis(5));

        CompletableFuture<Void> published = publisher.publish(generation()).toCompletableFuture();

        published.get(10, TimeUnit.SECONDS);
        assertThat(published).isCompleted().isNotCompletedExceptionally();
        assertThat(emitter.sends.get())
                .as("three refused sends, then the acknowledged one")
                .isEqualTo(4);
        assertThat(publisher.lastFailure())
                .as("healthy again once a send succeeded")
                .isEmpty();
    }

    @Test
    void whileSendsFailTheFailureIsReportedAndAStoppedServiceGivesUp() throws Exception {
        FailingEmitter emitter = new FailingEmitter(Integer.MAX_VALUE);
        GenerationPublisher publisher = new GenerationPublisher(emitter, "tunestream", Duration.ofMillis(5));

        CompletableFuture<Void> published = publisher.publish(generation()).toCompletableFuture();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (emitter.sends.get() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(published).isNotDone();
        assertThat(publisher.lastFailure())
                .hasValueSatisfying(
                        reason -> assertThat(reason).contains(PROMPT_HASH).contains("not present in metadata"));

        publisher.stop();
        assertThat(published)
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableThat()
                .withMessageContaining("not present in metadata");
    }

    private static GenerationEvent generation() {
        return new GenerationEvent(
                "2d9a5e74-ab3f-4c77-9f5a-4b8c3ead9a03",
                GenerationEvent.SCHEMA_VERSION,
                Instant.parse("2026-12-07T23:00:00Z"),
                PROMPT_HASH,
                "arithmetic",
                "arithmetic-dpo",
                "17",
                1,
                "tiny-llama",
                1,
                new SamplingParameters(1.0, null, null, 24, 1, List.of(), null, null, 7L),
                " 41",
                FinishReason.STOP,
                14,
                3,
                183,
                null,
                List.of(" 41"));
    }

    /** Refuses the first {@code failures} sends as the producer does when the topic's metadata never came. */
    private static final class FailingEmitter implements Emitter<ProducerRecord<String, TunestreamEvent>> {

        final AtomicInteger sends = new AtomicInteger();
        private final int failures;

        FailingEmitter(int failures) {
            this.failures = failures;
        }

        @Override
        public CompletionStage<Void> send(ProducerRecord<String, TunestreamEvent> record) {
            if (sends.incrementAndGet() <= failures) {
                return CompletableFuture.failedFuture(
                        new TimeoutException("Topic tunestream.generations not present in metadata after 60000 ms."));
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public <M extends Message<? extends ProducerRecord<String, TunestreamEvent>>> void send(M message) {
            throw new UnsupportedOperationException("the publisher sends payloads");
        }

        @Override
        public void complete() {}

        @Override
        public void error(Exception e) {}

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }
}
