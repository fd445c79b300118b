package io.tunestream.generation;

import static org.awaitility.Awaitility.await;

import io.tunestream.events.ArtifactRef;
import io.tunestream.events.Lineage;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.ObjectRef;
import io.tunestream.generation.service.ProductionModel;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import io.tunestream.platform.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A model trained from nothing (a BPE tokenizer on the synthetic tasks and a freshly initialised tiny Llama), created
 * once per test JVM, and the registry's side of a release: upload a version's files to the object store and describe
 * them in a model-versions event. Each test promotes versions of its own ({@link #nextVersion()}), so no test depends
 * on what another promoted before it.
 */
public final class ModelFixture {

    public static final String MODEL = "tiny-llama";
    public static final String BUCKET = "tunestream";

    private static final AtomicInteger VERSIONS = new AtomicInteger();
    private static Path checkpoint;

    private ModelFixture() {}

    /** A version number no test has used yet, above every one used so far. */
    public static int nextVersion() {
        return VERSIONS.incrementAndGet();
    }

    /** The scratch checkpoint directory, created on first use. */
    public static synchronized Path checkpoint() {
        if (checkpoint == null) {
            try {
                Path root = Files.createTempDirectory("generation-service-model-");
                SyntheticCorpus.write(
                        root.resolve("corpus"), new CorpusSpec(5, 30, 2, 2, EnumSet.allOf(TaskFamily.class)));
                ScratchModel.create(
                        root.resolve("model"),
                        root.resolve("corpus").resolve(SyntheticCorpus.PRETRAIN_FILE),
                        new ScratchModelSpec(3, 320, 32, 1, 2, 1, 64, 256));
                checkpoint = root.resolve("model");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return checkpoint;
    }

    /** Uploads the checkpoint's files under {@code models/<model>/<version>/} and describes them. */
    public static ArtifactRef upload(ObjectStore store, int version) {
        String prefix = "models/" + MODEL + "/" + version + "/";
        List<ObjectRef> files = new ArrayList<>();
        try (Stream<Path> paths = Files.list(checkpoint())) {
            for (Path path : paths.sorted().toList()) {
                byte[] content = Files.readAllBytes(path);
                files.add(store.put(prefix + path.getFileName(), content, null));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot upload the scratch model: " + e.getMessage(), e);
        }
        return new ArtifactRef("s3://" + BUCKET + "/" + prefix, files);
    }

    /** The same files with the first file's sha256 replaced: what a corrupted upload looks like to a reader. */
    public static ArtifactRef withWrongChecksum(ArtifactRef artifact) {
        List<ObjectRef> files = new ArrayList<>(artifact.files());
        ObjectRef first = files.get(0);
        files.set(0, new ObjectRef(first.uri(), "0".repeat(64), first.sizeBytes()));
        return new ArtifactRef(artifact.uri(), files);
    }

    /** The registry's event promoting {@code version} to production. */
    public static ModelVersionEvent promoted(int version, Integer previousVersion, ArtifactRef artifact) {
        return new ModelVersionEvent(
                UUID.randomUUID().toString(),
                ModelVersionEvent.SCHEMA_VERSION,
                Instant.now(),
                ModelVersionAction.PROMOTED,
                MODEL,
                version,
                ModelVersionEvent.PRODUCTION,
                previousVersion,
                null,
                artifact,
                Map.of(),
                new Lineage(null, null, null, null, null, null, null));
    }

    /** Uploads and promotes a new version, and waits until the service has loaded it; returns its number. */
    public static int promoteAndAwaitLoaded(KafkaTestClient kafka, ObjectStore store, ProductionModel production) {
        int previous = production.loadedVersion();
        int version = nextVersion();
        kafka.publish(promoted(version, previous == 0 ? null : previous, upload(store, version)));
        await().atMost(Duration.ofSeconds(60)).until(() -> production.loadedVersion() == version);
        return version;
    }
}
