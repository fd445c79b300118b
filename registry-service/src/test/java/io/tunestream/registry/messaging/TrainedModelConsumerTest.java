package io.tunestream.registry.messaging;

import static io.tunestream.registry.KafkaTestClient.awaitModelVersionEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.registry.KafkaTestClient;
import io.tunestream.registry.ModelFixture;
import io.tunestream.registry.ModelVersion;
import io.tunestream.registry.RegisteredModel;
import io.tunestream.registry.VersionOrigin;
import io.tunestream.registry.VersionState;
import io.tunestream.registry.service.ModelCatalog;
import io.tunestream.registry.repository.ModelRepository;
import io.tunestream.registry.repository.ModelVersionRepository;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import io.tunestream.testing.PostgresResource;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Trained models in, versions and model-versions events out, over the real broker, object store and database. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class TrainedModelConsumerTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    MinioClient minio;

    @Inject
    ModelRepository models;

    @Inject
    ModelVersionRepository versions;

    @Inject
    ModelCatalog catalog;

    private KafkaTestClient kafka;
    private ConsumerTask<String, byte[]> modelVersions;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(bootstrapServers);
        modelVersions = kafka.readFromStart(KafkaTestClient.MODEL_VERSIONS);
    }

    @AfterEach
    void disconnect() {
        modelVersions.stop();
        kafka.close();
    }

    @Test
    void shouldRegisterAJobOnceWhenItsEventIsDeliveredTwice() {
        String model = ModelFixture.newModelName();
        String firstJob = ModelFixture.newJobId();
        TrainedModelEvent first = ModelFixture.trainedModel(model, firstJob,
                ModelFixture.uploadMergedModel(minio, firstJob), null, 1, 0.5, 0.0);
        kafka.publish(first);
        kafka.publish(first);
        // A second job of the same model (same key, same partition) is consumed after both copies of the first.
        String secondJob = ModelFixture.newJobId();
        kafka.publish(ModelFixture.trainedModel(model, secondJob, ModelFixture.uploadMergedModel(minio, secondJob), 1, 2,
                0.6, 0.5));

        List<ModelVersionEvent> events = awaitModelVersionEvents(modelVersions, model,
                list -> registered(list).contains(2));

        assertThat(registered(events)).containsExactly(1, 2);
        assertThat(versionNumbers(model)).containsExactly(1, 2);
        assertThat(jobOf(model, 1)).isEqualTo(firstJob);
    }

    @Test
    void shouldPlaceEveryFileUnderTheVersionPrefixAndAnnounceItsChecksums() throws Exception {
        String model = ModelFixture.newModelName();
        String job = ModelFixture.newJobId();
        ArtifactRef merged = ModelFixture.uploadMergedModel(minio, job);
        kafka.publish(ModelFixture.trainedModel(model, job, merged, null, 1, 0.5, 0.0));

        ModelVersionEvent registered = awaitModelVersionEvents(modelVersions, model, list -> !registered(list).isEmpty())
                .get(0);

        assertThat(registered.artifact().uri()).isEqualTo("s3://tunestream/models/" + model + "/1/");
        assertThat(registered.lineage().jobId()).isEqualTo(job);
        assertThat(registered.lineage().datasetVersion()).isEqualTo(1);
        Map<String, byte[]> expected = ModelFixture.checkpointFiles();
        assertThat(registered.artifact().files()).hasSize(expected.size());
        for (ObjectRef file : registered.artifact().files()) {
            String name = file.uri().substring(registered.artifact().uri().length());
            byte[] stored;
            try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(ModelFixture.BUCKET)
                    .object("models/" + model + "/1/" + name).build())) {
                stored = in.readAllBytes();
            }
            assertThat(stored).as(name).isEqualTo(expected.get(name));
            assertThat(file.sha256()).as(name).isEqualTo(ModelFixture.sha256(expected.get(name)));
        }
    }

    @Test
    void shouldDeadLetterAPoisonRecordWithItsReasonAndRegisterTheNextOne() {
        String model = ModelFixture.newModelName();
        ConsumerTask<String, byte[]> deadLetters = kafka.readFromStart(KafkaTestClient.TRAINED_MODELS_DLQ);
        try {
            byte[] poison = "{\"jobId\": \"not a whole event\"}".getBytes(StandardCharsets.UTF_8);
            kafka.publishRaw(KafkaTestClient.TRAINED_MODELS, model, poison);
            String job = ModelFixture.newJobId();
            kafka.publish(ModelFixture.trainedModel(model, job, ModelFixture.uploadMergedModel(minio, job), null, 1, 0.5,
                    0.0));

            awaitModelVersionEvents(modelVersions, model, list -> registered(list).contains(1));
            await().atMost(KafkaTestClient.TIMEOUT).until(() -> deadLetters.getRecords().stream()
                    .anyMatch(record -> model.equals(record.key())));
            ConsumerRecord<String, byte[]> deadLetter = deadLetters.getRecords().stream()
                    .filter(record -> model.equals(record.key())).findFirst().orElseThrow();
            assertThat(deadLetter.value()).isEqualTo(poison);
            assertThat(new String(deadLetter.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .contains("TrainedModelEvent");
            assertThat(versionNumbers(model)).containsExactly(1);
        } finally {
            deadLetters.stop();
        }
    }

    @Test
    void shouldDeadLetterAJobWhoseFilesDoNotMatchTheirChecksumsAndRegisterNothing() {
        String model = ModelFixture.newModelName();
        ConsumerTask<String, byte[]> deadLetters = kafka.readFromStart(KafkaTestClient.TRAINED_MODELS_DLQ);
        try {
            String job = ModelFixture.newJobId();
            ArtifactRef merged = ModelFixture.uploadMergedModel(minio, job);
            List<ObjectRef> files = new ArrayList<>(merged.files());
            ObjectRef first = files.get(0);
            files.set(0, new ObjectRef(first.uri(), "0".repeat(64), first.sizeBytes()));
            kafka.publish(ModelFixture.trainedModel(model, job, new ArtifactRef(merged.uri(), files), null, 1, 0.5, 0.0));

            await().atMost(KafkaTestClient.TIMEOUT).until(() -> deadLetters.getRecords().stream()
                    .anyMatch(record -> model.equals(record.key())));
            ConsumerRecord<String, byte[]> deadLetter = deadLetters.getRecords().stream()
                    .filter(record -> model.equals(record.key())).findFirst().orElseThrow();
            assertThat(new String(deadLetter.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .contains("sha256").contains(first.uri());
            assertThat(versionNumbers(model)).isEmpty();
        } finally {
            deadLetters.stop();
        }
    }

    @Test
    void shouldAcceptAFileAnEarlierAttemptAlreadyPlacedWithTheSameContent() {
        String model = ModelFixture.newModelName();
        // What a process that died after copying one file, before its commit, leaves under the reserved version.
        ModelFixture.put(minio, "models/" + model + "/1/config.json", ModelFixture.checkpointFiles().get("config.json"));
        String job = ModelFixture.newJobId();
        kafka.publish(ModelFixture.trainedModel(model, job, ModelFixture.uploadMergedModel(minio, job), null, 1, 0.5, 0.0));

        awaitModelVersionEvents(modelVersions, model, list -> registered(list).contains(1));

        assertThat(versionNumbers(model)).containsExactly(1);
    }

    @Test
    void shouldNeverOverwriteAnObjectWithOtherContentUnderTheVersionPrefix() throws Exception {
        String model = ModelFixture.newModelName();
        byte[] stray = "{\"not\": \"this model's config\"}".getBytes(StandardCharsets.UTF_8);
        ModelFixture.put(minio, "models/" + model + "/1/config.json", stray);
        ConsumerTask<String, byte[]> deadLetters = kafka.readFromStart(KafkaTestClient.TRAINED_MODELS_DLQ);
        try {
            String job = ModelFixture.newJobId();
            kafka.publish(ModelFixture.trainedModel(model, job, ModelFixture.uploadMergedModel(minio, job), null, 1, 0.5,
                    0.0));

            await().atMost(KafkaTestClient.TIMEOUT).until(() -> deadLetters.getRecords().stream()
                    .anyMatch(record -> model.equals(record.key())));
            ConsumerRecord<String, byte[]> deadLetter = deadLetters.getRecords().stream()
                    .filter(record -> model.equals(record.key())).findFirst().orElseThrow();
            assertThat(new String(deadLetter.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .contains("already exists with other content");
        } finally {
            deadLetters.stop();
        }
        assertThat(versionNumbers(model)).isEmpty();
        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(ModelFixture.BUCKET)
                .object("models/" + model + "/1/config.json").build())) {
            assertThat(in.readAllBytes()).isEqualTo(stray);
        }
    }

    @Test
    void shouldResumeARegistrationLeftPendingByACrashIntoTheSameVersion() {
        String model = ModelFixture.newModelName();
        String job = ModelFixture.newJobId();
        ArtifactRef merged = ModelFixture.uploadMergedModel(minio, job);
        TrainedModelEvent event = ModelFixture.trainedModel(model, job, merged, null, 1, 0.5, 0.0);
        // What a process that died after reserving version 1 for the job (and before completing it) leaves behind.
        QuarkusTransaction.requiringNew().run(() -> {
            RegisteredModel created = catalog.newModel(model);
            ModelVersion pending = new ModelVersion();
            pending.model = created;
            pending.version = created.allocateVersion();
            pending.state = VersionState.PENDING;
            pending.origin = VersionOrigin.TRAINED;
            pending.jobId = job;
            pending.metrics = event.candidateMetrics();
            pending.parentMetrics = event.parentMetrics();
            pending.evalMetric = event.evalMetric();
            pending.artifactUri = "s3://tunestream/models/" + model + "/1/";
            pending.createdAt = Instant.now();
            versions.persist(pending);
        });

        kafka.publish(event);

        List<ModelVersionEvent> events = awaitModelVersionEvents(modelVersions, model, list -> !registered(list).isEmpty());
        assertThat(registered(events)).containsExactly(1);
        assertThat(versionNumbers(model)).containsExactly(1);
        assertThat(QuarkusTransaction.requiringNew().call(() -> versions.findVersion(models.findByName(model).orElseThrow(),
                1).orElseThrow().state)).isEqualTo(VersionState.READY);
    }

    private static List<Integer> registered(List<ModelVersionEvent> events) {
        return events.stream().filter(event -> event.action() == ModelVersionAction.REGISTERED)
                .map(ModelVersionEvent::version).toList();
    }

    private List<Integer> versionNumbers(String model) {
        return QuarkusTransaction.requiringNew().call(() -> models.findByName(model)
                .map(found -> versions.listOf(found).stream().map(version -> version.version).toList())
                .orElse(List.of()));
    }

    private String jobOf(String model, int number) {
        return QuarkusTransaction.requiringNew().call(() -> versions.findVersion(models.findByName(model).orElseThrow(),
                number).map(version -> version.jobId).orElseThrow());
    }
}
