package io.tunestream.generation;

import static org.awaitility.Awaitility.await;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.Lineage;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.ObjectRef;
import io.tunestream.generation.service.ModelCatalog;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.checkpoint.DType;
import io.tunestream.llm.checkpoint.SafeTensorsFile;
import io.tunestream.llm.checkpoint.SafeTensorsWriter;
import io.tunestream.llm.checkpoint.Tensor;
import io.tunestream.llm.model.LlamaConfig;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import io.tunestream.platform.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
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
    private static Path corpus;
    private static Path checkpoint;
    private static Path otherCheckpoint;

    private ModelFixture() {}

    /** A version number no test has used yet, above every one used so far. */
    public static int nextVersion() {
        return VERSIONS.incrementAndGet();
    }

    /** The scratch checkpoint directory, created on first use. */
    public static synchronized Path checkpoint() {
        if (checkpoint == null) {
            checkpoint = create(3, "model");
        }
        return checkpoint;
    }

    /**
     * A second scratch checkpoint: the same tokenizer, other weights (another seed) and an untied output layer, since
     * a tiny random model with tied embeddings greedily repeats the prompt's last token whatever its seed, and two
     * such models could not be told apart by their answers.
     */
    public static synchronized Path otherCheckpoint() {
        if (otherCheckpoint == null) {
            Path directory = create(11, "other-model");
            try {
                ObjectNode json = (ObjectNode) new ObjectMapper()
                        .readTree(directory.resolve("config.json").toFile());
                json.put("tie_word_embeddings", false);
                LlamaConfig untied = LlamaConfig.fromJson(json, "the other scratch model");
                try (LlamaModel model =
                        LlamaModel.initialize(untied, 11, Engine.getInstance().newBaseManager())) {
                    model.save(directory, DType.F32, null);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            otherCheckpoint = directory;
        }
        return otherCheckpoint;
    }

    /**
     * A model whose greedy answer is a cycle of tokens chosen by the test, built by hand from the other checkpoint:
     * every layer's projections are zero (each layer adds nothing to the residual stream, so the last position's
     * hidden state is the current token's embedding), and the output layer maps the embedding of {@code cycle[i]} to
     * {@code cycle[i + 1]} (its row holds that embedding; every other row is zero, so every other logit is 0 while
     * the chosen one is positive). After {@code cycle[0]} the model writes {@code cycle[1]}, {@code cycle[2]}, ...,
     * wrapping from the last back to {@code cycle[1]}.
     */
    public static Path cycleCheckpoint(String name, int... cycle) {
        try {
            Path source = otherCheckpoint();
            Path directory = corpus.resolve(name);
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(source)) {
                for (Path file : files.toList()) {
                    Files.copy(file, directory.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path weights = directory.resolve("model.safetensors");
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            try (SafeTensorsFile file = SafeTensorsFile.open(weights)) {
                for (String tensor : file.tensors().keySet()) {
                    tensors.put(tensor, file.read(tensor));
                }
            }
            for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
                if (entry.getKey().startsWith("model.layers.") && entry.getKey().contains("_proj.")) {
                    Arrays.fill(entry.getValue().data(), 0f);
                }
            }
            Tensor embeddings = tensors.get("model.embed_tokens.weight");
            Tensor output = tensors.get("lm_head.weight");
            int hidden = (int) embeddings.shape()[1];
            Arrays.fill(output.data(), 0f);
            for (int i = 0; i < cycle.length; i++) {
                int next = i + 1 < cycle.length ? cycle[i + 1] : cycle[1];
                // Added, not copied: a token reached from two others (cycle[1]) needs both embeddings in its row.
                for (int d = 0; d < hidden; d++) {
                    output.data()[next * hidden + d] += embeddings.data()[cycle[i] * hidden + d];
                }
            }
            SafeTensorsWriter.write(weights, tensors, DType.F32);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path create(long seed, String name) {
        try {
            if (corpus == null) {
                Path root = Files.createTempDirectory("generation-service-model-");
                SyntheticCorpus.write(
                        root.resolve("corpus"), new CorpusSpec(5, 30, 2, 2, EnumSet.allOf(TaskFamily.class)));
                corpus = root;
            }
            Path model = corpus.resolve(name);
            ScratchModel.create(
                    model,
                    corpus.resolve("corpus").resolve(SyntheticCorpus.PRETRAIN_FILE),
                    new ScratchModelSpec(seed, 320, 32, 1, 2, 1, 64, 256));
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Uploads the checkpoint's files under {@code models/<model>/<version>/} and describes them. */
    public static ArtifactRef upload(ObjectStore store, int version) {
        return upload(store, MODEL, version, checkpoint());
    }

    /** Uploads a checkpoint's files under {@code models/<model>/<version>/} and describes them. */
    public static ArtifactRef upload(ObjectStore store, String model, int version, Path checkpoint) {
        String prefix = "models/" + model + "/" + version + "/";
        List<ObjectRef> files = new ArrayList<>();
        try (Stream<Path> paths = Files.list(checkpoint)) {
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
        return promoted(MODEL, version, ModelVersionEvent.PRODUCTION, previousVersion, artifact);
    }

    /** The registry's event giving {@code alias} ({@code production}, {@code candidate}) to a version of a model. */
    public static ModelVersionEvent promoted(
            String model, int version, String alias, Integer previousVersion, ArtifactRef artifact) {
        return new ModelVersionEvent(
                UUID.randomUUID().toString(),
                ModelVersionEvent.SCHEMA_VERSION,
                Instant.now(),
                ModelVersionAction.PROMOTED,
                model,
                version,
                alias,
                previousVersion,
                null,
                artifact,
                Map.of(),
                new Lineage(null, null, null, null, null, null, null));
    }

    /** Uploads and promotes a new version, and waits until the service has loaded it; returns its number. */
    public static int promoteAndAwaitLoaded(KafkaTestClient kafka, ObjectStore store, ModelCatalog production) {
        int previous = production.servingVersion(ModelFixture.MODEL);
        int version = nextVersion();
        kafka.publish(promoted(version, previous == 0 ? null : previous, upload(store, version)));
        await().atMost(Duration.ofSeconds(60)).until(() -> production.servingVersion(ModelFixture.MODEL) == version);
        return version;
    }
}
