package io.tunestream.registry;

import io.tunestream.events.ArtifactRef;
import io.tunestream.events.EventIds;
import io.tunestream.events.GateEvaluation;
import io.tunestream.events.Lineage;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.Recipe;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.platform.storage.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A tiny model made from nothing (a BPE tokenizer on the synthetic tasks and a freshly initialised Llama), created
 * once per test JVM, and the training-service's side of a finished job: upload a merged model under the job's prefix
 * and describe it in a trained-models event. Each test uses models of its own ({@link #newModelName()}), so no test
 * depends on what another registered.
 */
public final class ModelFixture {

    public static final String BUCKET = "tunestream";
    public static final String EVAL_METRIC = "eval/exact_match";

    private static Path checkpoint;

    private ModelFixture() {}

    /** A model name no test has used. */
    public static String newModelName() {
        return "m-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A job id no test has used. */
    public static String newJobId() {
        return "job-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The scratch checkpoint directory, created on first use. */
    public static synchronized Path checkpoint() {
        if (checkpoint == null) {
            try {
                Path root = Files.createTempDirectory("registry-service-model-");
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

    /** Uploads the checkpoint's files under {@code checkpoints/<job>/merged/}, as the training-service does. */
    public static ArtifactRef uploadMergedModel(ObjectStore store, String jobId) {
        String prefix = "checkpoints/" + jobId + "/merged/";
        List<ObjectRef> files = new ArrayList<>();
        try (Stream<Path> paths = Files.list(checkpoint())) {
            for (Path path : paths.sorted().toList()) {
                byte[] content = Files.readAllBytes(path);
                String key = prefix + path.getFileName();
                put(store, key, content);
                files.add(new ObjectRef("s3://" + BUCKET + "/" + key, Sha256.of(content), content.length));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArtifactRef("s3://" + BUCKET + "/" + prefix, files);
    }

    public static void put(ObjectStore store, String key, byte[] content) {
        store.put(key, content, null);
    }

    /** The content of an object in the bucket. */
    public static byte[] read(ObjectStore store, String key) {
        try (InputStream in = store.open(key)) {
            return in.readAllBytes();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    /** The prefix of a registered version's files, {@code s3://tunestream/models/<model>/<version>/}. */
    public static String versionUri(String model, int version) {
        return "s3://" + BUCKET + "/models/" + model + "/" + version + "/";
    }

    /** The key of a file of a registered version, {@code models/<model>/<version>/<name>}. */
    public static String versionKey(String model, int version, String name) {
        return "models/" + model + "/" + version + "/" + name;
    }

    /** Uploads a PEFT adapter config under {@code adapters/<job>/}, as the training-service does. */
    public static ArtifactRef uploadAdapter(ObjectStore store, String jobId) {
        byte[] config = "{\"peft_type\": \"LORA\", \"r\": 8, \"lora_alpha\": 16}".getBytes(StandardCharsets.UTF_8);
        String key = "adapters/" + jobId + "/adapter_config.json";
        put(store, key, config);
        return new ArtifactRef(
                "s3://" + BUCKET + "/adapters/" + jobId + "/",
                List.of(new ObjectRef("s3://" + BUCKET + "/" + key, Sha256.of(config), config.length)));
    }

    /** The training-service's event for a DPO job on {@code arithmetic/<datasetVersion>} started from {@code parent}. */
    public static TrainedModelEvent trainedModel(
            String model,
            String jobId,
            ArtifactRef merged,
            Integer parentVersion,
            int datasetVersion,
            double candidateMetric,
            double parentMetric) {
        return trainedModel(model, jobId, null, merged, parentVersion, datasetVersion, candidateMetric, parentMetric);
    }

    /**
     * A finished job of {@code model} under a new job id: its merged model uploaded and the training-service's event
     * for it.
     */
    public static TrainedModelEvent trainedJob(
            ObjectStore store,
            String model,
            Integer parentVersion,
            int datasetVersion,
            double candidateMetric,
            double parentMetric) {
        String jobId = newJobId();
        return trainedModel(
                model,
                jobId,
                uploadMergedModel(store, jobId),
                parentVersion,
                datasetVersion,
                candidateMetric,
                parentMetric);
    }

    /** The first job of a new model: no parent version, dataset version 1, candidate metric 0.5. */
    public static TrainedModelEvent firstTrainedJob(ObjectStore store, String model) {
        return trainedJob(store, model, null, 1, 0.5, 0.0);
    }

    /** The same with the job's adapter. */
    public static TrainedModelEvent trainedModel(
            String model,
            String jobId,
            ArtifactRef adapter,
            ArtifactRef merged,
            Integer parentVersion,
            int datasetVersion,
            double candidateMetric,
            double parentMetric) {
        return new TrainedModelEvent(
                EventIds.next(),
                TrainedModelEvent.SCHEMA_VERSION,
                Instant.now(),
                jobId,
                model,
                Recipe.DPO,
                Map.of("learning_rate", 5.0e-5, "lora_r", 8, "beta", 0.1),
                adapter,
                merged,
                EVAL_METRIC,
                Map.of(EVAL_METRIC, candidateMetric, "rewards/accuracies", 0.8),
                Map.of(EVAL_METRIC, parentMetric),
                new Lineage(
                        "arithmetic", datasetVersion, "arithmetic-dpo", model, parentVersion, jobId, parentVersion));
    }

    /**
     * A finished job of {@code model} trained from {@code parentVersion} whose event carries the evaluation-set result,
     * its merged model uploaded.
     */
    public static TrainedModelEvent trainedJobWithEvaluation(
            ObjectStore store,
            String model,
            int parentVersion,
            int datasetVersion,
            double candidateMetric,
            double parentMetric,
            GateEvaluation evaluation) {
        String jobId = newJobId();
        TrainedModelEvent plain = trainedModel(
                model,
                jobId,
                uploadMergedModel(store, jobId),
                parentVersion,
                datasetVersion,
                candidateMetric,
                parentMetric);
        return new TrainedModelEvent(
                plain.eventId(),
                plain.schemaVersion(),
                plain.occurredAt(),
                plain.jobId(),
                plain.model(),
                plain.recipe(),
                plain.hyperparameters(),
                plain.adapter(),
                plain.mergedModel(),
                plain.evalMetric(),
                plain.candidateMetrics(),
                plain.parentMetrics(),
                plain.lineage(),
                evaluation,
                100L,
                40L);
    }

    /** The scratch checkpoint's files by name. */
    public static Map<String, byte[]> checkpointFiles() {
        try (Stream<Path> paths = Files.list(checkpoint())) {
            Map<String, byte[]> files = new TreeMap<>();
            for (Path path : paths.toList()) {
                files.put(path.getFileName().toString(), Files.readAllBytes(path));
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
