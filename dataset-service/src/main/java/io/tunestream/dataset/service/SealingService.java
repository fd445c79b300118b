package io.tunestream.dataset.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.tunestream.dataset.Dataset;
import io.tunestream.dataset.DatasetKind;
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
import io.tunestream.dataset.repository.PromptRepository;
import io.tunestream.dataset.repository.SampleRepository;
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
import io.tunestream.platform.problem.ConflictException;
import io.tunestream.platform.problem.InvalidRequestException;
import io.tunestream.platform.problem.ResourceNotFoundException;
import io.tunestream.platform.storage.ObjectStore;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Seals dataset versions. Versions are <b>incremental</b>: version n holds what the pipeline made since its previous
 * version and nothing older (a pair or sample belongs to exactly one version), so a trainer trains on each version as
 * it comes, continuing from the model that produced it. A dpo version holds pairs of one round only (its rejected
 * answers come from one model version, the DPO reference).
 *
 * <p>A dpo round is sealed as few, large versions, because each version becomes a training job: a version is cut when
 * the round is complete (every prompt has its outcomes, and no prompt is left to send), when {@code everyNew}
 * outcomes (pairs and drops) of the round are waiting, or when the time window passed (these two only with at least
 * {@code minPairs} pairs waiting), never with an empty train or eval split (the pairs wait instead). With {@code everyNew} set, a round gets at most ceil(pairs / everyNew)
 * versions before it is complete and one more for the rest, so stragglers never become versions of their own; a round
 * that is complete again because new samples joined it after its candidate was rejected gets one more version when at
 * least {@code minPairs} of its pairs wait, so new work never waits for a promotion that cannot come without it.
 * Leftovers of a round whose model is no longer production are sealed into one version when they hold at least
 * {@code minPairs} pairs (and the bound allows); otherwise they are superseded: kept out of every version and counted
 * as {@code superseded} in the manifest of the pipeline's next version.
 *
 * <p>A seal runs in one transaction under the pipeline's and the dataset's row locks: the files and the manifest are
 * written to {@code datasets/{dataset}/versions/{n}/} first, then the version row and the membership of its pairs or
 * samples are committed, and only then is the {@link DatasetVersionEvent} published. A failed commit leaves objects
 * that no row or event names, which the next seal of number n overwrites.
 *
 * <p>An evaluation set ({@code eval} dataset) is sealed on request, whole, into {@code eval.jsonl} (its
 * {@code train.jsonl} is empty); its versions are never published, since it never trains.
 */
@ApplicationScoped
public class SealingService {

    private static final Logger LOG = Logger.getLogger(SealingService.class);
    private static final int READ_BATCH = 1000;
    private static final String TRAIN = "train.jsonl";
    private static final String EVAL = "eval.jsonl";
    private static final String MANIFEST = "manifest.json";
    private static final String DEFAULT_FAMILY = "default";
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    private final PipelineRepository pipelines;
    private final DatasetRepository datasets;
    private final SampleRepository samples;
    private final PairRepository pairs;
    private final PromptRepository prompts;
    private final DatasetVersionRepository versions;
    private final ObjectStore objectStore;
    private final EventPublisher publisher;
    private final DatasetConfig config;

    public SealingService(
            PipelineRepository pipelines,
            DatasetRepository datasets,
            SampleRepository samples,
            PairRepository pairs,
            PromptRepository prompts,
            DatasetVersionRepository versions,
            ObjectStore objectStore,
            EventPublisher publisher,
            DatasetConfig config) {
        this.pipelines = pipelines;
        this.datasets = datasets;
        this.samples = samples;
        this.pairs = pairs;
        this.prompts = prompts;
        this.versions = versions;
        this.objectStore = objectStore;
        this.config = config;
        this.publisher = publisher;
    }

    /** Why a version was cut; written into its manifest as {@code cut}. */
    enum Cut {
        /** {@code POST /pipelines/{name}/seal}. */
        EXPLICIT,
        /** Every prompt of the round has its outcomes and none is left to send. */
        ROUND_COMPLETE,
        /** {@code everyNew} outcomes of the round were waiting. */
        EVERY_NEW,
        /** The time window passed. */
        WINDOW,
        /** What a finished round left, when it held at least {@code minPairs} pairs. */
        LEFTOVERS,
        /** The samples added since the previous version (sft, pretrain): count trigger, window or request. */
        SAMPLES,
        /** Every sample of an evaluation set. */
        EVALUATION_SET;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * Seals everything waiting, as asked for: for dpo, leftovers of finished rounds first (sealed or superseded), then
     * the current round's waiting pairs, unless a split would be empty.
     *
     * @return the version numbers made, empty when nothing could be sealed
     */
    public List<Integer> seal(long pipelineId) {
        return sealWhile(pipelineId, true, Instant.now());
    }

    /** Seals what the pipeline's triggers make due (count, completed round, time window, finished rounds). */
    public List<Integer> sealIfDue(long pipelineId, Instant now) {
        boolean triggered = QuarkusTransaction.requiringNew().call(() -> {
            Pipeline pipeline = pipelines.findById(pipelineId);
            return pipeline != null && (pipeline.sealEvery != null || pipeline.sealWindowSeconds != null);
        });
        // A pipeline without a trigger is sealed only on request (leftovers of its finished rounds too).
        return triggered ? sealWhile(pipelineId, false, now) : List.of();
    }

    private List<Integer> sealWhile(long pipelineId, boolean explicit, Instant now) {
        List<Integer> sealed = new ArrayList<>();
        while (true) {
            Optional<Long> version =
                    QuarkusTransaction.requiringNew().timeout(3600).call(() -> sealNext(pipelineId, explicit, now));
            if (version.isEmpty()) {
                return sealed;
            }
            publish(version.get());
            sealed.add(QuarkusTransaction.requiringNew().call(() -> versions.findById(version.get()).number));
        }
    }

    /** Publishes the version's event unless it was published already (held under the version's row lock). */
    public void publish(long versionId) {
        QuarkusTransaction.requiringNew().run(() -> {
            DatasetVersion version = versions.findById(versionId, LockModeType.PESSIMISTIC_WRITE);
            if (version.publishedAt != null || version.recipe == null) {
                // Published already, or a version of an evaluation set, which never trains.
                return;
            }
            publisher.publishDatasetVersion(event(version));
            version.publishedAt = Instant.now();
        });
    }

    /** Publishes the events of versions whose publication failed (e.g. the broker was down after the seal). */
    public void publishPending() {
        List<Long> pending = QuarkusTransaction.requiringNew()
                .call(() -> versions.unpublished().stream()
                        .map(version -> version.id)
                        .toList());
        pending.forEach(this::publish);
    }

    /** What {@code POST /datasets/{name}/versions} made. */
    public record EvalSetVersion(String dataset, int version, long records, String sha256) {}

    /**
     * Seals every sample of an evaluation set as its next version: {@code eval.jsonl} holds each record as the engine's
     * canonical instruction record plus its {@code family} when it had one; {@code train.jsonl} is empty. Never
     * published.
     *
     * @throws InvalidRequestException when the dataset is not of kind {@code eval}
     * @throws ConflictException when it has no samples, or none since its last version
     */
    public EvalSetVersion sealEvaluationSet(String datasetName) {
        return QuarkusTransaction.requiringNew().timeout(3600).call(() -> {
            Dataset found = datasets.findByName(datasetName)
                    .orElseThrow(() -> new ResourceNotFoundException("no dataset named '" + datasetName + "'"));
            if (found.kind != DatasetKind.EVAL) {
                throw new InvalidRequestException("dataset '" + datasetName + "' is of kind " + found.kind.label()
                        + ": only an eval dataset is versioned on request; the others are sealed by their pipelines"
                        + " (POST /pipelines/{name}/seal)");
            }
            Dataset dataset = datasets.lock(found.id);
            long sampleCount = samples.countByDataset(dataset.id);
            if (sampleCount == 0) {
                throw new ConflictException(
                        "evaluation set '" + datasetName + "' has no samples; upload its records" + " first");
            }
            Optional<DatasetVersion> last =
                    versions.byDataset(dataset.id).stream().reduce((a, b) -> b);
            if (last.isPresent() && last.get().evalCount == sampleCount) {
                // Samples are never removed: the same count is the same set.
                throw new ConflictException("evaluation set '" + datasetName + "' has no samples added since version "
                        + last.get().number + "; nothing to seal");
            }
            DatasetVersion version = writeVersion(dataset, null, (train, eval) -> writeEvaluationSet(dataset, eval));
            return new EvalSetVersion(dataset.name, version.number, version.evalCount, version.evalSha256);
        });
    }

    /** What a version holds besides its files. */
    private record Content(
            Recipe recipe,
            Integer round,
            Integer modelVersion,
            List<Long> memberIds,
            Map<String, Long> dropped,
            Cut cut,
            Map<String, Long> families) {}

    @FunctionalInterface
    private interface ContentWriter {
        Content write(JsonlSpool train, JsonlSpool eval) throws IOException;
    }

    /** One round's waiting pairs to seal, and why. */
    private record Plan(int round, Cut cut) {}

    private Optional<Long> sealNext(long pipelineId, boolean explicit, Instant now) throws IOException {
        Pipeline pipeline = pipelines.lock(pipelineId);
        Optional<Plan> plan;
        if (pipeline.recipe == Recipe.DPO) {
            plan = planPairs(pipeline, explicit, now);
        } else {
            plan = explicit || samplesDue(pipeline, now) ? Optional.of(new Plan(0, Cut.SAMPLES)) : Optional.empty();
        }
        if (plan.isEmpty()) {
            return Optional.empty();
        }
        Dataset dataset = datasets.lock(pipeline.datasetId);
        if (pipeline.recipe != Recipe.DPO && samples.countUnsealed(pipeline.datasetId, pipeline.id) == 0) {
            return Optional.empty();
        }
        DatasetVersion version = writeVersion(
                dataset,
                pipeline,
                (train, eval) -> pipeline.recipe == Recipe.DPO
                        ? writePairs(pipeline, plan.get(), train, eval)
                        : writeSamples(pipeline, train, eval));
        pipelines.update("lastSealedAt = ?1 where id = ?2", version.createdAt, pipeline.id);
        return Optional.of(version.id);
    }

    /**
     * Decides, under the pipeline's lock, which round to seal now: finished rounds' leftovers first (sealed when they
     * are large enough, superseded otherwise), then the current round when a trigger is due.
     */
    private Optional<Plan> planPairs(Pipeline pipeline, boolean explicit, Instant now) {
        for (int round : pairs.roundsWithUnsealed(pipeline.id)) {
            long waitingPairs = pairs.countUnsealedPairs(pipeline.id, round);
            if (round < pipeline.currentRound) {
                String reason = waitingPairs < pipeline.minPairs
                        ? waitingPairs + " pairs, fewer than minPairs " + pipeline.minPairs
                        : !bothSplitsFilled(pipeline.id, round)
                                ? "a train or eval split would be empty"
                                : !explicit && !withinBudget(pipeline, round, true)
                                        ? "the round has all the versions it may have"
                                        : null;
                if (reason == null) {
                    return Optional.of(new Plan(round, Cut.LEFTOVERS));
                }
                long superseded = pairs.supersede(pipeline.id, round, now);
                LOG.infof(
                        "pipeline %s: round %d's leftovers superseded (%s): %d pairs kept out of training",
                        pipeline.name, round, reason, superseded);
                continue;
            }
            if (waitingPairs == 0) {
                // Only drops are waiting: they are sealed with the round's next pairs.
                return Optional.empty();
            }
            Cut cut = explicit ? Cut.EXPLICIT : dueCut(pipeline, round, now);
            if (cut == null) {
                return Optional.empty();
            }
            if (!explicit
                    && !withinBudget(pipeline, round, cut == Cut.ROUND_COMPLETE)
                    && !(cut == Cut.ROUND_COMPLETE && waitingPairs >= pipeline.minPairs)) {
                // Beyond the bound, only a round that is complete again holds new work: a rejected candidate keeps
                // the round open and new samples become its prompts. Their pairs must not wait for a promotion that
                // cannot come without them, so at least minPairs of them make a version; stragglers never can, since
                // a round completes again only after new prompts.
                return Optional.empty();
            }
            if ((cut == Cut.EVERY_NEW || cut == Cut.WINDOW) && waitingPairs < pipeline.minPairs) {
                // A mid-round version with a handful of pairs is a training job that learns nothing: wait for
                // minPairs, or for the round to complete.
                return Optional.empty();
            }
            if (!bothSplitsFilled(pipeline.id, round)) {
                LOG.debugf(
                        "pipeline %s: round %d held back (%s): a train or eval split would be empty",
                        pipeline.name, round, cut.label());
                return Optional.empty();
            }
            return Optional.of(new Plan(round, cut));
        }
        return Optional.empty();
    }

    /** The trigger that makes the current round's waiting outcomes due now, or null. */
    private Cut dueCut(Pipeline pipeline, int round, Instant now) {
        // Outcomes are committed by the consumer while the periodic check runs, and each query sees what was committed
        // when it started. Counting before asking whether the round is complete means an outcome committed in between
        // can only make the round complete, never leave a count of a complete round read as a count-cut.
        long unsealedOutcomes = pipeline.sealEvery == null ? 0 : pairs.countUnsealedOutcomes(pipeline.id, round);
        if (roundComplete(pipeline, round)) {
            return Cut.ROUND_COMPLETE;
        }
        if (pipeline.sealEvery != null && unsealedOutcomes >= pipeline.sealEvery) {
            return Cut.EVERY_NEW;
        }
        if (pipeline.sealWindowSeconds != null && windowPassed(pipeline, now)) {
            return Cut.WINDOW;
        }
        return null;
    }

    /**
     * Every prompt of the round has its outcomes, and the round will get no more prompts (its cap is reached, or every
     * sample that can be a prompt has one).
     */
    private boolean roundComplete(Pipeline pipeline, int round) {
        long prompted = prompts.countInRound(pipeline.id, round);
        if (prompted == 0 || prompts.countUnresolvedInRound(pipeline.id, round) > 0) {
            return false;
        }
        boolean capReached = pipeline.roundCap != null && prompted >= pipeline.roundCap;
        return capReached
                || pipeline.currentModelVersion == null
                || !samples.hasUnprompted(pipeline.datasetId, pipeline.id, pipeline.currentModelVersion);
    }

    /**
     * Whether the round may have one more version: at most ceil(pairs / everyNew) before it is complete, one more
     * with its rest. Without {@code everyNew} there is no bound.
     */
    private boolean withinBudget(Pipeline pipeline, int round, boolean last) {
        if (pipeline.sealEvery == null) {
            return true;
        }
        long roundPairs = pairs.countRoundPairs(pipeline.id, round);
        long allowed = (roundPairs + pipeline.sealEvery - 1) / pipeline.sealEvery + (last ? 1 : 0);
        return versions.countByRound(pipeline.id, round) < allowed;
    }

    /** Whether the round's waiting pairs would put at least one pair on each side of the split. */
    private boolean bothSplitsFilled(long pipelineId, int round) {
        double evalFraction = config.sealing().evalFraction();
        boolean train = false;
        boolean eval = false;
        for (String contentHash : pairs.unsealedPairContentHashes(pipelineId, round)) {
            if (EvalSplit.isEval(contentHash, evalFraction)) {
                eval = true;
            } else {
                train = true;
            }
            if (train && eval) {
                return true;
            }
        }
        return false;
    }

    private boolean samplesDue(Pipeline pipeline, Instant now) {
        if (pipeline.sealEvery == null && pipeline.sealWindowSeconds == null) {
            return false;
        }
        long waiting = samples.countUnsealed(pipeline.datasetId, pipeline.id);
        if (pipeline.sealEvery != null && waiting >= pipeline.sealEvery) {
            return true;
        }
        return pipeline.sealWindowSeconds != null && waiting > 0 && windowPassed(pipeline, now);
    }

    private static boolean windowPassed(Pipeline pipeline, Instant now) {
        Instant since = pipeline.lastSealedAt != null
                ? pipeline.lastSealedAt
                : pipeline.roundStartedAt != null ? pipeline.roundStartedAt : pipeline.createdAt;
        return !now.isBefore(since.plus(Duration.ofSeconds(pipeline.sealWindowSeconds)));
    }

    /**
     * Writes the files of the dataset's next version, its manifest, and its row (with the membership of its pairs or
     * samples), in the caller's transaction.
     *
     * @param pipeline null for an evaluation set
     */
    private DatasetVersion writeVersion(Dataset dataset, Pipeline pipeline, ContentWriter writer) throws IOException {
        Path directory = Files.createTempDirectory("seal-");
        try (JsonlSpool train = new JsonlSpool(directory.resolve(TRAIN));
                JsonlSpool eval = new JsonlSpool(directory.resolve(EVAL))) {
            Content content = writer.write(train, eval);
            train.close();
            eval.close();
            int number = versions.lastNumber(dataset.id) + 1;
            String prefix = "datasets/" + dataset.name + "/versions/" + number + "/";
            objectStore.put(prefix + TRAIN, train.file(), "application/x-ndjson");
            objectStore.put(prefix + EVAL, eval.file(), "application/x-ndjson");
            Instant now = Instant.now();
            long superseded = pipeline != null && content.recipe() == Recipe.DPO
                    ? pairs.countUnreportedSuperseded(pipeline.id)
                    : 0;
            byte[] manifest = manifest(dataset, pipeline, number, content, superseded, prefix, train, eval, now);
            objectStore.put(prefix + MANIFEST, manifest, "application/json");

            DatasetVersion version = new DatasetVersion();
            version.datasetId = dataset.id;
            version.pipelineId = pipeline == null ? null : pipeline.id;
            version.number = number;
            version.recipe = content.recipe();
            version.round = content.round();
            version.sourceModel = pipeline == null ? null : pipeline.model;
            version.sourceModelVersion = content.modelVersion();
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
            if (pipeline != null) {
                assignMembers(pipeline, version.id, content);
                if (content.recipe() == Recipe.DPO) {
                    pairs.reportSuperseded(pipeline.id, version.id);
                }
            }
            LOG.infof(
                    "sealed %s version %d (%s): %d train, %d eval, dropped %s, superseded %d",
                    dataset.name,
                    number,
                    content.cut().label(),
                    train.records(),
                    eval.records(),
                    content.dropped(),
                    superseded);
            return version;
        } finally {
            try (var files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(directory);
        }
    }

    /** The round's waiting pairs as preference triples; its waiting drops are counted and sealed with them. */
    private Content writePairs(Pipeline pipeline, Plan plan, JsonlSpool train, JsonlSpool eval) throws IOException {
        double evalFraction = config.sealing().evalFraction();
        List<Long> members = new ArrayList<>();
        Map<String, Long> dropped = new TreeMap<>();
        Integer modelVersion = null;
        long afterId = 0;
        List<PreferencePair> batch;
        while (!(batch = pairs.unsealedAfter(pipeline.id, plan.round(), afterId, READ_BATCH)).isEmpty()) {
            Map<Long, Sample> batchSamples =
                    samplesById(batch.stream().map(pair -> pair.sampleId).toList());
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
        return new Content(Recipe.DPO, plan.round(), modelVersion, members, dropped, plan.cut(), Map.of());
    }

    /** The samples the pipeline has not sealed, as the engine's canonical records (SFT records or text). */
    private Content writeSamples(Pipeline pipeline, JsonlSpool train, JsonlSpool eval) throws IOException {
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
        return new Content(pipeline.recipe, null, null, members, Map.of(), Cut.SAMPLES, Map.of());
    }

    /** Every sample of an evaluation set into eval.jsonl: the canonical record plus its {@code family}, if any. */
    private Content writeEvaluationSet(Dataset dataset, JsonlSpool eval) throws IOException {
        Map<String, Long> families = new TreeMap<>();
        int page = 0;
        List<Sample> batch;
        while (!(batch = samples.page(dataset.id, page++, READ_BATCH)).isEmpty()) {
            for (Sample sample : batch) {
                ObjectNode record = (ObjectNode) EventJson.mapper().readTree(sample.canonical);
                Optional<String> family = EvalRecords.family(EventJson.mapper().readTree(sample.record));
                family.ifPresent(name -> record.put(EvalRecords.FAMILY, name));
                families.merge(family.orElse(DEFAULT_FAMILY), 1L, Long::sum);
                eval.writeLine(record.toString());
            }
            samples.getEntityManager().clear();
        }
        return new Content(null, null, null, List.of(), Map.of(), Cut.EVALUATION_SET, families);
    }

    private Map<Long, Sample> samplesById(List<Long> ids) {
        return samples.list("id in ?1", ids).stream()
                .collect(Collectors.toMap(sample -> sample.id, Function.identity()));
    }

    /** The pair as the engine's DPO trainer reads it: it renders system and prompt with the model's template. */
    static PreferenceRecord triple(Sample sample, PreferencePair pair) {
        List<ChatMessage> messages = SampleContent.messagesFromJson(sample.promptMessages);
        String system = messages.get(0).role().equals(ChatMessage.SYSTEM)
                ? messages.get(0).content()
                : "";
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
                samples.getEntityManager()
                        .createNativeQuery("insert into sealed_sample (id, pipeline_id, sample_id,"
                                + " dataset_version_id) select nextval('sealed_sample_seq'), ?1, s.id, ?2 from sample s"
                                + " where s.id in (?3)")
                        .setParameter(1, pipeline.id)
                        .setParameter(2, versionId)
                        .setParameter(3, chunk)
                        .executeUpdate();
            }
        }
    }

    private byte[] manifest(
            Dataset dataset,
            Pipeline pipeline,
            int number,
            Content content,
            long superseded,
            String prefix,
            JsonlSpool train,
            JsonlSpool eval,
            Instant createdAt)
            throws IOException {
        ObjectNode manifest = EventJson.mapper().createObjectNode();
        manifest.put("dataset", dataset.name).put("version", number).put("kind", dataset.kind.label());
        if (content.recipe() != null) {
            manifest.put("recipe", RecipeConverter.label(content.recipe()));
        }
        if (pipeline != null) {
            manifest.put("pipeline", pipeline.name);
        }
        manifest.put("createdAt", createdAt.toString())
                .put("contents", contents(content))
                .put("cut", content.cut().label());
        if (content.round() != null) {
            manifest.put("round", content.round());
        }
        ObjectNode files = manifest.putObject("files");
        fileEntry(files, TRAIN, prefix, train);
        fileEntry(files, EVAL, prefix, eval);
        ObjectNode counts = manifest.putObject("counts");
        counts.put("train", train.records()).put("eval", eval.records());
        content.dropped().forEach(counts::put);
        if (content.recipe() == Recipe.DPO) {
            counts.put("superseded", superseded);
        }
        if (!content.families().isEmpty()) {
            ObjectNode families = manifest.putObject("families");
            content.families().forEach(families::put);
        }
        if (pipeline == null) {
            manifest.putObject("split").put("rule", "an evaluation set: every record in eval.jsonl, none trains");
            return EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        }
        manifest.putObject("split")
                .put("evalFraction", config.sealing().evalFraction())
                .put(
                        "rule",
                        "eval when the first 60 bits of the sample's content sha256, as a fraction of 2^60, are"
                                + " below evalFraction");
        manifest.set("lineage", EventJson.mapper().valueToTree(lineage(dataset, pipeline, number, content)));
        if (content.recipe() == Recipe.DPO) {
            ObjectNode sampling = (ObjectNode) EventJson.mapper().readTree(pipeline.sampling);
            sampling.put("includeGreedy", pipeline.includeGreedy);
            manifest.set("sampling", sampling);
        }
        manifest.set(
                "hyperparameters",
                pipeline.training == null
                        ? EventJson.mapper().createObjectNode()
                        : EventJson.mapper().readTree(pipeline.training));
        return EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
    }

    private static String contents(Content content) {
        return switch (content.cut()) {
            case EVALUATION_SET -> "every record of the evaluation set, in eval.jsonl; it never trains";
            case SAMPLES -> "incremental: the samples added since the previous version of this pipeline";
            case LEFTOVERS -> "incremental: what round " + content.round() + " made after its model left production";
            default -> "incremental: the pairs of round " + content.round() + " made since the previous version";
        };
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
        manifest.path("counts")
                .fields()
                .forEachRemaining(
                        entry -> counts.put(entry.getKey(), entry.getValue().asLong()));
        SamplingParameters sampling = null;
        if (manifest.has("sampling")) {
            sampling = EventJson.mapper().convertValue(manifest.get("sampling"), SamplingParameters.class);
        }
        Map<String, Object> hyperparameters = manifest.has("hyperparameters")
                ? EventJson.mapper().convertValue(manifest.get("hyperparameters"), OBJECT)
                : new LinkedHashMap<>();
        Lineage lineage = EventJson.mapper().convertValue(manifest.get("lineage"), Lineage.class);
        return new DatasetVersionEvent(
                EventIds.next(),
                DatasetVersionEvent.SCHEMA_VERSION,
                version.createdAt,
                dataset.name,
                version.number,
                version.recipe,
                new ObjectRef(objectStore.uri(prefix + TRAIN), version.trainSha256, version.trainSizeBytes),
                new ObjectRef(objectStore.uri(prefix + EVAL), version.evalSha256, version.evalSizeBytes),
                new ObjectRef(objectStore.uri(prefix + MANIFEST), version.manifestSha256, version.manifestSizeBytes),
                counts,
                sampling,
                lineage,
                hyperparameters);
    }
}
