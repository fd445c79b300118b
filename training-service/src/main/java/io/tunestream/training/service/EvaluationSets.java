package io.tunestream.training.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.EventJson;
import io.tunestream.events.GateEvaluation;
import io.tunestream.events.ObjectRef;
import io.tunestream.platform.storage.ObjectIntegrityException;
import io.tunestream.platform.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Evaluation sets in the shared bucket, as the dataset-service seals them: {@code datasets/{dataset}/versions/{n}/}
 * with {@code manifest.json} (whose {@code files."eval.jsonl"} states the questions file's sha256 and size) and
 * {@code eval.jsonl}. The questions file is downloaded verified against the manifest, then parent and candidate answer
 * it ({@link GateEvaluator}).
 */
@ApplicationScoped
public class EvaluationSets {

    private final ObjectStore store;

    public EvaluationSets(ObjectStore store) {
        this.store = store;
    }

    /**
     * Downloads version {@code version} of the evaluation set {@code dataset} into {@code work} and has the parent and
     * the candidate answer every item.
     *
     * @throws IllegalStateException naming the object when the version, its manifest or its questions are missing,
     *     unreadable or differ from the manifest's sha256
     */
    public GateEvaluation evaluate(String dataset, int version, Path parent, Path candidate, Path work) {
        EvaluationSet set = download(dataset, version, work);
        return GateEvaluator.evaluate(set, parent, candidate);
    }

    private EvaluationSet download(String dataset, int version, Path work) {
        String prefix = "datasets/" + dataset + "/versions/" + version + "/";
        JsonNode manifest = readManifest(prefix + "manifest.json", dataset, version);
        JsonNode file = manifest.path("files").path("eval.jsonl");
        if (!file.isObject()) {
            throw new IllegalStateException(store.uri(prefix + "manifest.json") + " lists no files.eval.jsonl:"
                    + " evaluation set " + dataset + " version " + version + " has no questions");
        }
        ObjectRef questions = EventJson.mapper().convertValue(file, ObjectRef.class);
        Path local = work.resolve("evaluation-set/" + dataset + "-" + version + ".jsonl");
        try {
            store.download(questions, local);
        } catch (ObjectIntegrityException e) {
            throw new IllegalStateException(
                    "evaluation set " + dataset + " version " + version + ": the questions differ"
                            + " from its manifest: " + e.getMessage(),
                    e);
        }
        try {
            return EvaluationSet.read(local, dataset, version, questions.sha256());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private JsonNode readManifest(String key, String dataset, int version) {
        InputStream manifest = store.find(store.location(key))
                .orElseThrow(() -> new IllegalStateException(
                        "evaluation set " + dataset + " version " + version + " does not exist: no " + store.uri(key)));
        try (InputStream in = manifest) {
            return EventJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + store.uri(key) + ": " + e.getMessage(), e);
        }
    }
}
