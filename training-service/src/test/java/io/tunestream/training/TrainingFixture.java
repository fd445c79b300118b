package io.tunestream.training;

import io.tunestream.events.ArtifactRef;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.EventIds;
import io.tunestream.events.EventJson;
import io.tunestream.events.Lineage;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.Recipe;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import io.tunestream.platform.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/** A tiny scratch base model and small preference datasets in object storage, as the other services leave them. */
public final class TrainingFixture {

    public static final String BUCKET = "tunestream";

    private static Path checkpoint;

    private TrainingFixture() {}

    public static String newName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The scratch checkpoint directory (Hugging Face layout with tokenizer), created on first use. */
    public static synchronized Path checkpoint() {
        if (checkpoint == null) {
            try {
                Path root = Files.createTempDirectory("training-service-model-");
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

    /** Uploads the scratch model as the registry does, under {@code models/{model}/{version}/}. */
    public static ArtifactRef uploadModel(ObjectStore store, String model, int version) {
        String prefix = "models/" + model + "/" + version + "/";
        List<ObjectRef> files = new ArrayList<>();
        try (Stream<Path> paths = Files.list(checkpoint())) {
            for (Path path : paths.sorted().toList()) {
                files.add(put(store, prefix + path.getFileName(), Files.readAllBytes(path)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArtifactRef("s3://" + BUCKET + "/" + prefix, files);
    }

    /** The registry's event that makes {@code version} of {@code model} the production version. */
    public static ModelVersionEvent promoted(String model, int version, ArtifactRef artifact) {
        return new ModelVersionEvent(
                EventIds.next(),
                ModelVersionEvent.SCHEMA_VERSION,
                Instant.now(),
                ModelVersionAction.PROMOTED,
                model,
                version,
                ModelVersionEvent.PRODUCTION,
                null,
                null,
                artifact,
                Map.of(),
                null);
    }

    /**
     * Writes a sealed DPO dataset version as the dataset-service does ({@code train.jsonl}, {@code eval.jsonl},
     * {@code manifest.json} under {@code datasets/{dataset}/versions/{n}/}) and returns its event.
     */
    public static DatasetVersionEvent dpoVersion(
            ObjectStore store, String dataset, int version, String model, int modelVersion) {
        return datasetVersion(store, dataset, version, model, modelVersion, Recipe.DPO);
    }

    /** As {@link #dpoVersion}, with the training recipe the pipeline asks for ({@code hyperparameters}). */
    public static DatasetVersionEvent dpoVersion(
            ObjectStore store,
            String dataset,
            int version,
            String model,
            int modelVersion,
            Map<String, Object> hyperparameters) {
        DatasetVersionEvent sealed = dpoVersion(store, dataset, version, model, modelVersion);
        return new DatasetVersionEvent(
                sealed.eventId(),
                sealed.schemaVersion(),
                sealed.occurredAt(),
                dataset,
                version,
                Recipe.DPO,
                sealed.train(),
                sealed.eval(),
                sealed.manifest(),
                sealed.counts(),
                null,
                sealed.lineage(),
                hyperparameters);
    }

    /**
     * Writes version {@code version} of an evaluation set as the dataset-service seals one ({@code eval.jsonl} with
     * every record, an empty {@code train.jsonl}, {@code manifest.json} of kind {@code eval}); {@code manifestSha256}
     * non-null makes the manifest state that sha256 for {@code eval.jsonl} instead of the file's.
     *
     * @return the {@code eval.jsonl} as written
     */
    public static ObjectRef evaluationSet(
            ObjectStore store, String dataset, int version, List<Map<String, Object>> records, String manifestSha256) {
        String prefix = "datasets/" + dataset + "/versions/" + version + "/";
        StringBuilder lines = new StringBuilder();
        records.forEach(record -> lines.append(json(record)).append('\n'));
        ObjectRef eval = put(store, prefix + "eval.jsonl", lines.toString().getBytes(StandardCharsets.UTF_8));
        ObjectRef train = put(store, prefix + "train.jsonl", new byte[0]);
        ObjectRef stated = manifestSha256 == null ? eval : new ObjectRef(eval.uri(), manifestSha256, eval.sizeBytes());
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("dataset", dataset);
        manifest.put("version", version);
        manifest.put("kind", "eval");
        manifest.put("files", Map.of("train.jsonl", train, "eval.jsonl", stated));
        manifest.put("counts", Map.of("eval", records.size(), "train", 0));
        put(store, prefix + "manifest.json", json(manifest).getBytes(StandardCharsets.UTF_8));
        return eval;
    }

    /** As {@link #dpoVersion}, with Alpaca records ({@code instruction/input/output}) for {@link Recipe#SFT}. */
    public static DatasetVersionEvent datasetVersion(
            ObjectStore store, String dataset, int version, String model, int modelVersion, Recipe recipe) {
        String prefix = "datasets/" + dataset + "/versions/" + version + "/";
        byte[] train = jsonl(8, 0, recipe);
        byte[] eval = jsonl(4, 100, recipe);
        ObjectRef trainRef = put(store, prefix + "train.jsonl", train);
        ObjectRef evalRef = put(store, prefix + "eval.jsonl", eval);
        Lineage lineage = Lineage.ofDatasetVersion(dataset, version, "rounds", model, modelVersion);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("dataset", dataset);
        manifest.put("version", version);
        manifest.put("recipe", recipe.name().toLowerCase(java.util.Locale.ROOT));
        manifest.put("files", Map.of("train.jsonl", trainRef, "eval.jsonl", evalRef));
        manifest.put("lineage", lineage);
        ObjectRef manifestRef;
        try {
            manifestRef =
                    put(store, prefix + "manifest.json", EventJson.mapper().writeValueAsBytes(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DatasetVersionEvent(
                EventIds.next(),
                DatasetVersionEvent.SCHEMA_VERSION,
                Instant.now(),
                dataset,
                version,
                recipe,
                trainRef,
                evalRef,
                manifestRef,
                Map.of("train", 8L, "eval", 4L),
                null,
                lineage);
    }

    /** {@code count} addition questions from {@code offset} on: preference pairs for DPO, Alpaca records otherwise. */
    public static byte[] jsonl(int count, int offset, Recipe recipe) {
        StringBuilder lines = new StringBuilder();
        for (int i = offset; i < offset + count; i++) {
            int a = i % 7 + 1;
            int b = i % 5 + 2;
            String prompt = "What is " + a + " + " + b + "?";
            String answer = "The answer is " + (a + b) + ".";
            lines.append(
                            recipe == Recipe.DPO
                                    ? json(new PreferenceLine(prompt, answer, "I think it is " + (a * b + 1) + "."))
                                    : json(new AlpacaLine(prompt, "", answer)))
                    .append('\n');
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static ObjectRef put(ObjectStore store, String key, byte[] content) {
        return store.put(key, content, null);
    }

    private static String json(Object line) {
        try {
            return EventJson.mapper().writeValueAsString(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record PreferenceLine(String prompt, String chosen, String rejected) {}

    private record AlpacaLine(String instruction, String input, String output) {}
}
