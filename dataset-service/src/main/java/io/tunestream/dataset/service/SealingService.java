package io.tunestream.dataset.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.tunestream.dataset.Dataset;
import io.tunestream.dataset.DatasetVersion;
import io.tunestream.dataset.Pipeline;
import io.tunestream.dataset.PreferencePair;
import io.tunestream.dataset.RecipeConverter;
import io.tunestream.dataset.Sample;
import io.tunestream.dataset.config.DatasetConfig;
import io.tunestream.dataset.messaging.EventPublisher;
import io.tunestream.dataset.repository.DatasetRepository;
import io.tunestream.dataset.repository.DatasetVersionRepository;
import io.tunestream.dataset.repository.PairRepository;
import io.tunestream.dataset.repository.PipelineRepository;
import io.tunestream.dataset.repository.SampleRepository;
import io.tunestream.dataset.storage.ObjectStore;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.EventIds;
import io.tunestream.events.EventJson;
import io.tunestream.events.Lineage;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.Recipe;
import io.tunestream.events.SamplingParameters;
import io.tunestream.llm.data.DatasetWriter;
import io.tunestream.llm.data.PreferenceRecord;
import io.tunestream.llm.prompt.ChatMessage;
import io.tunestream.platform.storage.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Seals dataset versions. Versions are <b>incremental</b>: version n holds what the pipeline made since its previous
 * version and nothing older (a pair or sample belongs to exactly one version), so a trainer trains on each version as
 * it comes, continuing from the model that produced it. A dpo version holds the new pairs of one round only (its
 * rejected answers come from one model version, the DPO reference); leftovers of an earlier round are sealed into a
 * version of their own before the current round's.
 *
 * <p>A seal runs in one transaction under the pipeline's and the dataset's row locks: the files and the manifest are
 * written to {@code datasets/{dataset}/versions/{n}/} first, then the version row and the membership of its pairs or
 * samples are committed, and only then is the {@link DatasetVersionEvent} published. A failed commit leaves objects
 * that no row or event names, which the next seal of number n overwrites.
 */
@ApplicationScoped
public class SealingService {

    private static final Logger LOG = Logger.getLogger(SealingService.class);
    private static final int READ_BATCH = 1000;
    private static final String TRAIN = "train.jsonl";
    private static final String EVAL = "eval.jsonl";
    private static final String MANIFEST = "manifest.json";

    private final PipelineRepository pipelines;
    private final DatasetRepository datasets;
    private final SampleRepository samples;
    private final PairRepository pairs;
    private final DatasetVersionRepository versions;
    private final ObjectStore objectStore;
    private final EventPublisher publisher;
    private final DatasetConfig config;

    public SealingService(PipelineRepository pipelines, DatasetRepository datasets, SampleRepository samples,
            PairRepository pairs, DatasetVersionRepository versions, ObjectStore objectStore, EventPublisher publisher,
            DatasetConfig config) {
        this.pipelines = pipelines;
        this.datasets = datasets;
        this.samples = samples;
        this.pairs = pairs;
        this.versions = versions;
        this.objectStore = objectStore;
        this.config = config;
        this.publisher = publisher;
    }

    /**
     * Seals everything waiting: for dpo, one version per round with new pairs, oldest round first.
     *
     * @return the version numbers made, empty when nothing was waiting
     */
    public List<Integer> seal(long pipelineId) {
        List<Integer> sealed = new ArrayList<>();
        while (true) {
            Optional<Long> version = QuarkusTransaction.requiringNew().timeout(3600).call(() -> sealNext(pipelineId));
            if (version.isEmpty()) {
                return sealed;
            }
            publish(version.get());
            sealed.add(QuarkusTransaction.requiringNew().call(() -> versions.findById(version.get()).number));
        }
    }

    /** Seals when the pipeline's count or time-window trigger is due. */
    public List<Integer> sealIfDue(long pipelineId, Instant now) {
        boolean due = QuarkusTransaction.requiringNew().call(() -> isDue(pipelines.findById(pipelineId), now));
        return due ? seal(pipelineId) : List.of();
    }

    private boolean isDue(Pipeline pipeline, Instant now) {
        if (pipeline == null || (pipeline.sealEvery == null && pipeline.sealWindowSeconds == null)) {
            return false;
        }
        long waiting = pipeline.recipe == Recipe.DPO
                ? pairs.countUnsealedPairs(pipeline.id, pipeline.currentRound)
                : samples.countUnsealed(pipeline.datasetId, pipeline.id);
        boolean leftovers = pipeline.recipe == Recipe.DPO
                && pairs.roundsWithUnsealed(pipeline.id).stream().anyMatch(round -> round < pipeline.currentRound);
        if (pipeline.sealEvery != null && waiting >= pipeline.sealEvery) {
            return true;
        }
        if (pipeline.sealWindowSeconds != null && (waiting > 0 || leftovers)) {
            Instant since = pipeline.lastSealedAt != null ? pipeline.lastSealedAt
                    : pipeline.roundStartedAt != null ? pipeline.roundStartedAt : pipeline.createdAt;
            return !now.isBefore(since.plus(Duration.ofSeconds(pipeline.sealWindowSeconds)));
        }
        return false;
    }

    /** Publishes the version's event unless it was published already (held under the version's row lock). */
    public void publish(long versionId) {
        QuarkusTransaction.requiringNew().run(() -> {
            DatasetVersion version = versions.findById(versionId, LockModeType.PESSIMISTIC_WRITE);
            if (version.publishedAt != null) {
                return;
            }
            publisher.publishDatasetVersion(event(version));
            version.publishedAt = Instant.now();
        });
    }

    /** Publishes the events of versions whose publication failed (e.g. the broker was down after the seal). */
    public void publishPending() {
        List<Long> pending = QuarkusTransaction.requiringNew().call(() -> versions.unpublished().stream()
                .map(version -> version.id).toList());
        pending.forEach(this::publish);
    }

    private record Content(Recipe recipe, Integer round, Integer modelVersion, List<Long> memberIds,
            Map<String, Long> dropped) {
    }

    private Optional<Long> sealNext(long pipelineId) throws IOException {
        Pipeline pipeline = pipelines.lock(pipelineId);
        Dataset dataset = datasets.lock(pipeline.datasetId);
        Path directory = Files.createTempDirectory("seal-");
        try (JsonlSpool train = new JsonlSpool(directory.resolve(TRAIN));
                JsonlSpool eval = new JsonlSpool(directory.resolve(EVAL))) {
            Optional<Content> content = pipeline.recipe == Recipe.DPO
                    ? writePairs(pipeline, train, eval)
                    : writeSamples(pipeline, train, eval);
            if (content.isEmpty()) {
                return Optional.empty();
            }
            train.close();
            eval.close();
            int number = versions.lastNumber(dataset.id) + 1;
            String prefix = "datasets/" + dataset.name + "/versions/" + number + "/";
            objectStore.putFile(prefix + TRAIN, train.file(), "application/x-ndjson");
            objectStore.putFile(prefix + EVAL, eval.file(), "application/x-ndjson");
            Content sealed = content.get();
            Instant now = Instant.now();
            byte[] manifest = manifest(dataset, pipeline, number, sealed, prefix, train, eval, now);
            objectStore.putBytes(prefix + MANIFEST, manifest, "application/json");

            DatasetVersion version = new DatasetVersion();
            version.datasetId = dataset.id;
            version.pipelineId = pipeline.id;
            version.number = number;
            version.recipe = pipeline.recipe;
            version.round = sealed.round();
            version.sourceModel = pipeline.model;
            version.sourceModelVersion = sealed.modelVersion();
            version.trainCount = train.records();
            version.evalCount = eval.records();
            version.trainSha256 = train.sha256();
            version.trainSizeBytes = train.sizeBytes();
            version.evalSha256 = eval.sha256();
            version.evalSizeBytes = eval.sizeBytes();
            version.manifest = new String(manifest, StandardCharsets.UTF_8);
            version.manifestSha256 = Sha256.of(manifest);
            version.manifestSizeBytes = manifest.length;
            version.createdAt = now;
            versions.persist(version);
            versions.flush();
            assignMembers(pipeline, version.id, sealed);
            pipelines.update("lastSealedAt = ?1 where id = ?2", now, pipeline.id);
            LOG.infof("sealed %s version %d: %d train, %d eval, dropped %s", dataset.name, number, train.records(),
                    eval.records(), sealed.dropped());
            return Optional.of(version.id);
        } finally {
            try (var files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(directory);
        }
    }

    /** The oldest round's unsealed pairs as preference triples; its drops are counted and sealed with them. */
    private Optional<Content> writePairs(Pipeline pipeline, JsonlSpool train, JsonlSpool eval) throws IOException {
        Optional<Integer> round = pairs.roundsWithUnsealed(pipeline.id).stream()
                .filter(candidate -> pairs.countUnsealedPairs(pipeline.id, candidate) > 0)
                .findFirst();
        if (round.isEmpty()) {
            return Optional.empty();
        }
        double evalFraction = config.sealing().evalFraction();
        List<Long> members = new ArrayList<>();
        Map<String, Long> dropped = new TreeMap<>();
        Integer modelVersion = null;
        long afterId = 0;
        List<PreferencePair> batch;
        while (!(batch = pairs.unsealedAfter(pipeline.id, round.get(), afterId, READ_BATCH)).isEmpty()) {
            Map<Long, Sample> batchSamples = samplesById(batch.stream().map(pair -> pair.sampleId).toList());
            for (PreferencePair pair : batch) {
                members.add(pair.id);
                modelVersion = pair.modelVersion;
                afterId = pair.id;
                if (pair.dropReason != null) {
                    dropped.merge("dropped." + pair.dropReason, 1L, Long::sum);
                    continue;
                }
                Sample sample = batchSamples.get(pair.sampleId);
                String line = DatasetWriter.toJson(triple(sample, pair)).toString();
                (EvalSplit.isEval(sample.contentHash, evalFraction) ? eval : train).writeLine(line);
            }
            pairs.getEntityManager().clear();
        }
        return Optional.of(new Content(Recipe.DPO, round.get(), modelVersion, members, dropped));
    }

    /** The samples the pipeline has not sealed, as the engine's canonical records (SFT records or text). */
    private Optional<Content> writeSamples(Pipeline pipeline, JsonlSpool train, JsonlSpool eval) throws IOException {
        double evalFraction = config.sealing().evalFraction();
        List<Long> members = new ArrayList<>();
        long afterId = 0;
        List<Sample> batch;
        while (!(batch = samples.unsealedAfter(pipeline.datasetId, pipeline.id, afterId, READ_BATCH)).isEmpty()) {
            for (Sample sample : batch) {
                members.add(sample.id);
                afterId = sample.id;
                (EvalSplit.isEval(sample.contentHash, evalFraction) ? eval : train).writeLine(sample.canonical);
            }
            samples.getEntityManager().clear();
        }
        return members.isEmpty() ? Optional.empty()
                : Optional.of(new Content(pipeline.recipe, null, null, members, Map.of()));
    }

    private Map<Long, Sample> samplesById(List<Long> ids) {
        return samples.list("id in ?1", ids).stream().collect(Collectors.toMap(sample -> sample.id, Function.identity()));
    }

    /** The pair as the engine's DPO trainer reads it: it renders system and prompt with the model's template. */
    static PreferenceRecord triple(Sample sample, PreferencePair pair) {
        List<ChatMessage> messages = SampleContent.messagesFromJson(sample.promptMessages);
        String system = messages.get(0).role().equals(ChatMessage.SYSTEM) ? messages.get(0).content() : "";
        String prompt = messages.get(messages.size() - 1).content();
        return new PreferenceRecord(system, prompt, pair.chosen, pair.rejected);
    }

    private void assignMembers(Pipeline pipeline, long versionId, Content content) {
        List<Long> members = content.memberIds();
        for (int from = 0; from < members.size(); from += READ_BATCH) {
            List<Long> chunk = members.subList(from, Math.min(members.size(), from + READ_BATCH));
            if (content.recipe() == Recipe.DPO) {
                pairs.assignToVersion(chunk, versionId);
            } else {
                samples.getEntityManager().createNativeQuery("insert into sealed_sample (id, pipeline_id, sample_id,"
                                + " dataset_version_id) select nextval('sealed_sample_seq'), ?1, s.id, ?2 from sample s"
                                + " where s.id in (?3)")
                        .setParameter(1, pipeline.id)
                        .setParameter(2, versionId)
                        .setParameter(3, chunk)
                        .executeUpdate();
            }
        }
    }

    private byte[] manifest(Dataset dataset, Pipeline pipeline, int number, Content content, String prefix,
            JsonlSpool train, JsonlSpool eval, Instant createdAt) throws IOException {
        ObjectNode manifest = EventJson.mapper().createObjectNode();
        manifest.put("dataset", dataset.name)
                .put("version", number)
                .put("recipe", RecipeConverter.label(pipeline.recipe))
                .put("pipeline", pipeline.name)
                .put("createdAt", createdAt.toString())
                .put("contents", content.recipe() == Recipe.DPO
                        ? "incremental: the pairs of round " + content.round() + " made since the previous version"
                        : "incremental: the samples added since the previous version of this pipeline");
        if (content.round() != null) {
            manifest.put("round", content.round());
        }
        ObjectNode files = manifest.putObject("files");
        fileEntry(files, TRAIN, prefix, train);
        fileEntry(files, EVAL, prefix, eval);
        ObjectNode counts = manifest.putObject("counts");
        counts.put("train", train.records()).put("eval", eval.records());
        content.dropped().forEach(counts::put);
        manifest.putObject("split")
                .put("evalFraction", config.sealing().evalFraction())
                .put("rule", "eval when the first 60 bits of the sample's content sha256, as a fraction of 2^60, are"
                        + " below evalFraction");
        manifest.set("lineage", EventJson.mapper().valueToTree(lineage(dataset, pipeline, number, content)));
        if (content.recipe() == Recipe.DPO) {
            manifest.set("sampling", EventJson.mapper().readTree(pipeline.sampling));
        }
        return EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
    }

    private void fileEntry(ObjectNode files, String name, String prefix, JsonlSpool spool) {
        files.putObject(name)
                .put("uri", objectStore.uri(prefix + name))
                .put("sha256", spool.sha256())
                .put("sizeBytes", spool.sizeBytes())
                .put("records", spool.records());
    }

    private static Lineage lineage(Dataset dataset, Pipeline pipeline, int number, Content content) {
        return Lineage.ofDatasetVersion(dataset.name, number, pipeline.name, pipeline.model, content.modelVersion());
    }

    private DatasetVersionEvent event(DatasetVersion version) {
        Dataset dataset = datasets.findById(version.datasetId);
        String prefix = "datasets/" + dataset.name + "/versions/" + version.number + "/";
        JsonNode manifest;
        try {
            manifest = EventJson.mapper().readTree(version.manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("stored manifest of " + prefix + " is not JSON", e);
        }
        Map<String, Long> counts = new TreeMap<>();
        manifest.path("counts").fields().forEachRemaining(entry -> counts.put(entry.getKey(), entry.getValue().asLong()));
        SamplingParameters sampling = null;
        if (manifest.has("sampling")) {
            sampling = EventJson.mapper().convertValue(manifest.get("sampling"), SamplingParameters.class);
        }
        Lineage lineage = EventJson.mapper().convertValue(manifest.get("lineage"), Lineage.class);
        return new DatasetVersionEvent(EventIds.next(), DatasetVersionEvent.SCHEMA_VERSION, version.createdAt,
                dataset.name, version.number, version.recipe,
                new ObjectRef(objectStore.uri(prefix + TRAIN), version.trainSha256, version.trainSizeBytes),
                new ObjectRef(objectStore.uri(prefix + EVAL), version.evalSha256, version.evalSizeBytes),
                new ObjectRef(objectStore.uri(prefix + MANIFEST), version.manifestSha256, version.manifestSizeBytes),
                counts, sampling, lineage);
    }
}
