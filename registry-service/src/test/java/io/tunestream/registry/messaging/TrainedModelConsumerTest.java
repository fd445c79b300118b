package io.tunestream.registry.messaging;

import static io.tunestream.registry.KafkaTestClient.awaitModelVersionEvents;
import static io.tunestream.registry.KafkaTestClient.awaitRecord;
import static io.tunestream.registry.KafkaTestClient.deadLetterReason;
import static io.tunestream.registry.KafkaTestClient.registeredVersions;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.arc.ClientProxy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.platform.storage.Sha256;
import io.tunestream.registry.KafkaTestClient;
import io.tunestream.registry.ModelFixture;
import io.tunestream.registry.ModelVersion;
import io.tunestream.registry.RegisteredModel;
import io.tunestream.registry.RegistryBusTest;
import io.tunestream.registry.VersionOrigin;
import io.tunestream.registry.VersionState;
import io.tunestream.registry.config.RegistryConfig;
import io.tunestream.registry.repository.ModelRepository;
import io.tunestream.registry.repository.ModelVersionRepository;
import io.tunestream.registry.service.ModelCatalog;
import io.tunestream.registry.service.TrainedModelRegistration;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Trained models in, versions and model-versions events out, over the real broker, object store and database. */
@QuarkusTest
class TrainedModelConsumerTest extends RegistryBusTest {

    @Inject
    ModelRepository models;

    @Inject
    ModelVersionRepository versions;

    @Inject
    ModelCatalog catalog;

    @Inject
    TrainedModelRegistration registration;

    @Inject
    RegistryConfig config;

    @Test
    void shouldRegisterAJobOnceWhenItsEventIsDeliveredTwice() {
        String model = ModelFixture.newModelName();
        TrainedModelEvent first = ModelFixture.firstTrainedJob(store, model);
        kafka.publish(first);
        kafka.publish(first);
        // A second job of the same model (same key, same partition) is consumed after both copies of the first.
        kafka.publish(ModelFixture.trainedJob(store, model, 1, 2, 0.6, 0.5));

        List<ModelVersionEvent> events = awaitModelVersionEvents(
                modelVersions, model, list -> registeredVersions(list).contains(2));

        assertThat(registeredVersions(events)).containsExactly(1, 2);
        assertThat(versionNumbers(model)).containsExactly(1, 2);
        assertThat(jobOf(model, 1)).isEqualTo(first.jobId());
    }

    @Test
    void shouldPlaceEveryFileUnderTheVersionPrefixAndAnnounceItsChecksums() {
        String model = ModelFixture.newModelName();
        TrainedModelEvent job = ModelFixture.firstTrainedJob(store, model);
        kafka.publish(job);

        ModelVersionEvent registered = awaitModelVersionEvents(
                        modelVersions, model, list -> !registeredVersions(list).isEmpty())
                .get(0);

        assertThat(registered.artifact().uri()).isEqualTo(ModelFixture.versionUri(model, 1));
        assertThat(registered.lineage().jobId()).isEqualTo(job.jobId());
        assertThat(registered.lineage().datasetVersion()).isEqualTo(1);
        Map<String, byte[]> expected = ModelFixture.checkpointFiles();
        assertThat(registered.artifact().files()).hasSize(expected.size());
        for (ObjectRef file : registered.artifact().files()) {
            String name = file.uri().substring(registered.artifact().uri().length());
            assertThat(ModelFixture.read(store, ModelFixture.versionKey(model, 1, name)))
                    .as(name)
                    .isEqualTo(expected.get(name));
            assertThat(file.sha256()).as(name).isEqualTo(Sha256.of(expected.get(name)));
        }
    }

    @Test
    void shouldDeadLetterAPoisonRecordWithItsReasonAndRegisterTheNextOne() {
        String model = ModelFixture.newModelName();
        ConsumerTask<String, byte[]> deadLetters = kafka.readFromStart(KafkaTestClient.TRAINED_MODELS_DLQ);
        try {
            byte[] poison = "{\"jobId\": \"not a whole event\"}".getBytes(StandardCharsets.UTF_8);
            kafka.publishRaw(KafkaTestClient.TRAINED_MODELS, model, poison);
            kafka.publish(ModelFixture.firstTrainedJob(store, model));

            awaitModelVersionEvents(
                    modelVersions, model, list -> registeredVersions(list).contains(1));
            ConsumerRecord<String, byte[]> deadLetter = awaitRecord(deadLetters, model);
            assertThat(deadLetter.value()).isEqualTo(poison);
            assertThat(deadLetterReason(deadLetter)).contains("TrainedModelEvent");
            assertThat(versionNumbers(model)).containsExactly(1);
        } finally {
            deadLetters.stop();
        }
    }

    @Test
    void shouldDeadLetterAJobWhoseFilesDoNotMatchTheirChecksumsAtOnceAndRegisterNothing() {
        String model = ModelFixture.newModelName();
        ConsumerTask<String, byte[]> deadLetters = kafka.readFromStart(KafkaTestClient.TRAINED_MODELS_DLQ);
        try {
            String job = ModelFixture.newJobId();
            ArtifactRef merged = ModelFixture.uploadMergedModel(store, job);
            List<ObjectRef> files = new ArrayList<>(merged.files());
            ObjectRef first = files.get(0);
            files.set(0, new ObjectRef(first.uri(), "0".repeat(64), first.sizeBytes()));
            CountedRegistration attempts = countAttempts(job);
            kafka.publish(
                    ModelFixture.trainedModel(model, job, new ArtifactRef(merged.uri(), files), null, 1, 0.5, 0.0));

            ConsumerRecord<String, byte[]> deadLetter = awaitRecord(deadLetters, model);
            assertThat(deadLetterReason(deadLetter)).contains("sha256").contains(first.uri());
            assertThat(attempts.started()).hasSize(1);
            assertThat(versionNumbers(model)).isEmpty();
        } finally {
            deadLetters.stop();
        }
    }

    @Test
    void shouldAcceptAFileAnEarlierAttemptAlreadyPlacedWithTheSameContent() {
        String model = ModelFixture.newModelName();
        // What a process that died after copying one file, before its commit, leaves under the reserved version.
        ModelFixture.put(
                store,
                ModelFixture.versionKey(model, 1, "config.json"),
                ModelFixture.checkpointFiles().get("config.json"));
        kafka.publish(ModelFixture.firstTrainedJob(store, model));

        awaitModelVersionEvents(
                modelVersions, model, list -> registeredVersions(list).contains(1));

        assertThat(versionNumbers(model)).containsExactly(1);
    }

    @Test
    void shouldNeverOverwriteAnObjectWithOtherContentUnderTheVersionPrefix() {
        String model = ModelFixture.newModelName();
        byte[] stray = "{\"not\": \"this model's config\"}".getBytes(StandardCharsets.UTF_8);
        String configKey = ModelFixture.versionKey(model, 1, "config.json");
        ModelFixture.put(store, configKey, stray);
        ConsumerTask<String, byte[]> deadLetters = kafka.readFromStart(KafkaTestClient.TRAINED_MODELS_DLQ);
        try {
            kafka.publish(ModelFixture.firstTrainedJob(store, model));

            assertThat(deadLetterReason(awaitRecord(deadLetters, model))).contains("already exists with other content");
        } finally {
            deadLetters.stop();
        }
        assertThat(versionNumbers(model)).isEmpty();
        assertThat(ModelFixture.read(store, configKey)).isEqualTo(stray);
    }

    @Test
    void shouldResumeARegistrationLeftPendingByACrashIntoTheSameVersion() {
        String model = ModelFixture.newModelName();
        TrainedModelEvent event = ModelFixture.firstTrainedJob(store, model);
        // What a process that died after reserving version 1 for the job (and before completing it) leaves behind.
        QuarkusTransaction.requiringNew().run(() -> {
            RegisteredModel created = catalog.newModel(model);
            ModelVersion pending = new ModelVersion();
            pending.model = created;
            pending.version = created.allocateVersion();
            pending.state = VersionState.PENDING;
            pending.origin = VersionOrigin.TRAINED;
            pending.jobId = event.jobId();
            pending.metrics = event.candidateMetrics();
            pending.parentMetrics = event.parentMetrics();
            pending.evalMetric = event.evalMetric();
            pending.artifactUri = ModelFixture.versionUri(model, 1);
            pending.createdAt = Instant.now();
            versions.persist(pending);
        });

        kafka.publish(event);

        List<ModelVersionEvent> events = awaitModelVersionEvents(
                modelVersions, model, list -> !registeredVersions(list).isEmpty());
        assertThat(registeredVersions(events)).containsExactly(1);
        assertThat(versionNumbers(model)).containsExactly(1);
        assertThat(QuarkusTransaction.requiringNew()
                        .call(() -> versions.findVersion(
                                        models.findByName(model).orElseThrow(), 1)
                                .orElseThrow()
                                .state))
                .isEqualTo(VersionState.READY);
    }

    @Test
    void shouldRetryARegistrationThatFailedForAReasonThatMayPassWithADoublingWait() {
        String model = ModelFixture.newModelName();
        TrainedModelEvent job = ModelFixture.firstTrainedJob(store, model);
        CountedRegistration attempts = countAttempts(
                job.jobId(), 2, () -> new IllegalStateException("object store unavailable (injected by the test)"));

        kafka.publish(job);

        awaitModelVersionEvents(
                modelVersions, model, list -> registeredVersions(list).contains(1));
        assertThat(attempts.started()).hasSize(3);
        Duration backoff = config.registration().retryBackoff();
        assertThat(attempts.waitBefore(2)).isGreaterThanOrEqualTo(backoff);
        assertThat(attempts.waitBefore(3)).isGreaterThanOrEqualTo(backoff.multipliedBy(2));
        assertThat(versionNumbers(model)).containsExactly(1);
    }

    @Test
    void shouldDeadLetterARegistrationThatStillFailsAfterItsLastAttempt() {
        String model = ModelFixture.newModelName();
        TrainedModelEvent job = ModelFixture.firstTrainedJob(store, model);
        CountedRegistration attempts = countAttempts(
                job.jobId(),
                Integer.MAX_VALUE,
                () -> new IllegalStateException("database unavailable (injected by the test)"));
        ConsumerTask<String, byte[]> deadLetters = kafka.readFromStart(KafkaTestClient.TRAINED_MODELS_DLQ);
        try {
            kafka.publish(job);

            assertThat(deadLetterReason(awaitRecord(deadLetters, model))).contains("database unavailable");
        } finally {
            deadLetters.stop();
        }
        assertThat(attempts.started()).hasSize(config.registration().attempts());
        assertThat(versionNumbers(model)).isEmpty();
    }

    /** Puts a {@link CountedRegistration} in front of the real registration for this test; it lets every attempt run. */
    private CountedRegistration countAttempts(String jobId) {
        return countAttempts(jobId, 0, null);
    }

    /**
     * Puts a {@link CountedRegistration} in front of the real registration for this test: the job's first
     * {@code failures} attempts throw, the later ones register.
     */
    private CountedRegistration countAttempts(String jobId, int failures, Supplier<RuntimeException> failure) {
        CountedRegistration counted =
                new CountedRegistration(ClientProxy.unwrap(registration), jobId, failures, failure);
        QuarkusMock.installMockForType(counted, TrainedModelRegistration.class);
        return counted;
    }

    /**
     * The registration the consumer calls while a test runs: notes when each attempt at one job started and fails the
     * first ones as an unavailable store or database would; every other job (records of other tests) goes straight to
     * the real registration.
     */
    private static final class CountedRegistration extends TrainedModelRegistration {

        private final TrainedModelRegistration real;
        private final String jobId;
        private final int failures;
        private final Supplier<RuntimeException> failure;
        private final List<Long> started = new CopyOnWriteArrayList<>();

        CountedRegistration(
                TrainedModelRegistration real, String jobId, int failures, Supplier<RuntimeException> failure) {
            super(null, null, null, null, null, null, null);
            this.real = real;
            this.jobId = jobId;
            this.failures = failures;
            this.failure = failure;
        }

        @Override
        public Outcome register(TrainedModelEvent event) {
            if (!event.jobId().equals(jobId)) {
                return real.register(event);
            }
            started.add(System.nanoTime());
            if (started.size() <= failures) {
                throw failure.get();
            }
            return real.register(event);
        }

        /** The start of each attempt at the job, in {@link System#nanoTime()}. */
        List<Long> started() {
            return started;
        }

        /** The time between the start of attempt {@code attempt - 1} and that of {@code attempt} (from 1). */
        Duration waitBefore(int attempt) {
            return Duration.ofNanos(started.get(attempt - 1) - started.get(attempt - 2));
        }
    }

    private List<Integer> versionNumbers(String model) {
        return QuarkusTransaction.requiringNew()
                .call(() -> models.findByName(model)
                        .map(found -> versions.listOf(found).stream()
                                .map(version -> version.version)
                                .toList())
                        .orElse(List.of()));
    }

    private String jobOf(String model, int number) {
        return QuarkusTransaction.requiringNew()
                .call(() -> versions.findVersion(models.findByName(model).orElseThrow(), number)
                        .map(version -> version.jobId)
                        .orElseThrow());
    }
}
