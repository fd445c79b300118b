package io.tunestream.training.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.events.DatasetVersionEvent;
import io.tunestream.events.EventJson;
import io.tunestream.events.Lineage;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.Recipe;
import io.tunestream.platform.problem.ConflictException;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.training.JobOrigin;
import io.tunestream.training.JobState;
import io.tunestream.training.TrainingJob;
import io.tunestream.training.TrainingMetric;
import io.tunestream.training.config.TrainingConfig;
import io.tunestream.training.repository.TrainingJobRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Creates jobs (from dataset-version events and REST submissions) and cancels them. One job per dataset version and
 * recipe, ever: a redelivered event or a repeated submission returns the existing job.
 *
 * <p>The model a job trains is the submission's {@code model}, else the dataset version's lineage
 * {@code sourceModel} (the model whose answers are the rejected side of its DPO pairs), else
 * {@code tunestream.training.default-model}. The version it starts from is the submission's {@code baseModelVersion},
 * else the lineage's {@code sourceModelVersion}, else (null) the version holding {@code production} when the job runs.
 */
@ApplicationScoped
public class JobService {

    private static final Logger LOG = Logger.getLogger(JobService.class);
    /** The dataset-service's rule for a dataset name: a submitted name outside it names no object of the store. */
    private static final Pattern DATASET_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final TrainingJobRepository jobs;
    private final TrainingConfig config;
    private final ObjectStore store;
    private final JobSignals signals;

    public JobService(TrainingJobRepository jobs, TrainingConfig config, ObjectStore store, JobSignals signals) {
        this.jobs = jobs;
        this.config = config;
        this.store = store;
        this.signals = signals;
    }

    /** What a submission asks for; {@code model}, {@code baseModelVersion} and {@code hyperparameters} are optional. */
    public record Submission(
            String dataset,
            Integer version,
            Recipe recipe,
            String model,
            Integer baseModelVersion,
            Map<String, Object> hyperparameters) {}

    /** A job and whether this call created it (false: the dataset version already had one for the recipe). */
    public record Queued(TrainingJob job, boolean created) {}

    /**
     * The job of a dataset-version event, created QUEUED unless it exists, with the event's {@code hyperparameters}
     * (the pipeline's training recipe) over the defaults. Hyperparameters that do not resolve (an unknown key, a value
     * out of range) create the job FAILED with the reason: the event is consumed, and {@code GET /jobs} says why.
     */
    @Transactional
    public Queued createFromEvent(DatasetVersionEvent event) {
        return create(
                event.dataset(),
                event.version(),
                event.recipe(),
                null,
                null,
                event.hyperparameters(),
                event.train(),
                event.eval(),
                event.manifest(),
                event.lineage(),
                JobOrigin.DATASET_VERSION);
    }

    /**
     * A job submitted over REST: the dataset version's files and lineage come from its {@code manifest.json} at
     * {@code datasets/{dataset}/versions/{version}/manifest.json}.
     */
    @Transactional
    public Queued submit(Submission submission) {
        if (submission.dataset() == null
                || submission.dataset().isBlank()
                || submission.version() == null
                || submission.version() < 1
                || submission.recipe() == null) {
            throw new InvalidJobException("a job needs 'dataset', 'version' (from 1) and 'recipe' (sft, dpo)");
        }
        if (!DATASET_NAME.matcher(submission.dataset()).matches()) {
            throw new InvalidJobException("'dataset' must be a dataset name (lowercase letters, digits, '.', '_', '-';"
                    + " up to 100 characters, starting with a letter or digit)");
        }
        String prefix = "datasets/" + submission.dataset() + "/versions/" + submission.version() + "/";
        JsonNode manifest = readManifest(prefix + "manifest.json");
        ObjectRef train = fileOf(manifest, "train.jsonl", prefix);
        ObjectRef eval = fileOf(manifest, "eval.jsonl", prefix);
        Lineage lineage = manifest.hasNonNull("lineage")
                ? EventJson.mapper().convertValue(manifest.get("lineage"), Lineage.class)
                : Lineage.ofDatasetVersion(submission.dataset(), submission.version(), null, null, null);
        return create(
                submission.dataset(),
                submission.version(),
                submission.recipe(),
                submission.model(),
                submission.baseModelVersion(),
                submission.hyperparameters(),
                train,
                eval,
                null,
                lineage,
                JobOrigin.REST);
    }

    /** The newest jobs first, at most {@code limit}. */
    @Transactional
    public List<TrainingJob> newestFirst(int limit) {
        return jobs.newestFirst(limit);
    }

    /** @throws JobNotFoundException when no job has this id */
    @Transactional
    public TrainingJob job(String jobId) {
        TrainingJob job = jobs.findById(jobId);
        if (job == null) {
            throw new JobNotFoundException(jobId);
        }
        return job;
    }

    /**
     * Every recorded step of the job, in order.
     *
     * @throws JobNotFoundException when no job has this id
     */
    @Transactional
    public List<TrainingMetric> metrics(String jobId) {
        job(jobId);
        return jobs.metrics(jobId);
    }

    /** Cancels a QUEUED or RUNNING job; a RUNNING job stops at its next step. */
    @Transactional
    public TrainingJob cancel(String jobId) {
        TrainingJob job = jobs.findById(jobId, LockModeType.PESSIMISTIC_WRITE);
        if (job == null) {
            throw new JobNotFoundException(jobId);
        }
        if (job.state == JobState.CANCELLED) {
            return job;
        }
        if (job.state.isFinal()) {
            throw new ConflictException("job " + jobId + " is " + job.state + " and can no longer be cancelled");
        }
        job.state = JobState.CANCELLED;
        job.leaseOwner = null;
        job.leaseExpiresAt = null;
        job.finishedAt = Instant.now();
        return job;
    }

    private Queued create(
            String dataset,
            int version,
            Recipe recipe,
            String model,
            Integer baseModelVersion,
            Map<String, Object> hyperparameters,
            ObjectRef train,
            ObjectRef eval,
            ObjectRef manifest,
            Lineage lineage,
            JobOrigin origin) {
        var existing = jobs.findByDatasetVersion(dataset, version, recipe);
        if (existing.isPresent()) {
            LOG.infof(
                    "dataset version %s/%d (%s) already has job %s; nothing created",
                    dataset, version, recipe, existing.get().id);
            return new Queued(existing.get(), false);
        }
        String chosenModel = model != null && !model.isBlank()
                ? model
                : lineage.sourceModel() != null
                        ? lineage.sourceModel()
                        : config.defaultModel()
                                .orElseThrow(() -> new InvalidJobException("dataset version " + dataset + "/"
                                        + version
                                        + " names no source model in its lineage, and neither the submission ('model') nor"
                                        + " tunestream.training.default-model names one"));
        TrainingJob job = new TrainingJob();
        job.id = "job-" + UUID.randomUUID();
        job.dataset = dataset;
        job.datasetVersion = version;
        job.recipe = recipe;
        job.model = chosenModel;
        job.baseModelVersion = baseModelVersion != null
                ? baseModelVersion
                : chosenModel.equals(lineage.sourceModel()) ? lineage.sourceModelVersion() : null;
        String invalid = null;
        try {
            job.hyperparameters = JobHyperparameters.resolve(recipe, hyperparameters, config.defaults())
                    .asMap();
        } catch (InvalidJobException e) {
            if (origin == JobOrigin.REST) {
                throw e;
            }
            // An event cannot be answered with a 400: the job records what was asked and why it cannot run.
            invalid = "invalid hyperparameters from dataset version " + dataset + "/" + version + ": " + e.getMessage();
            job.hyperparameters = hyperparameters == null ? Map.of() : new LinkedHashMap<>(hyperparameters);
        }
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("train", EventJson.mapper().convertValue(train, MAP));
        files.put("eval", EventJson.mapper().convertValue(eval, MAP));
        if (manifest != null) {
            files.put("manifest", EventJson.mapper().convertValue(manifest, MAP));
        }
        job.datasetFiles = files;
        job.lineage = EventJson.mapper().convertValue(lineage, MAP);
        job.origin = origin;
        job.createdAt = Instant.now();
        if (invalid != null) {
            job.state = JobState.FAILED;
            job.error = invalid.length() > 4000 ? invalid.substring(0, 4000) : invalid;
            job.finishedAt = job.createdAt;
            jobs.persist(job);
            LOG.warnf("job %s failed at creation: %s", job.id, invalid);
            return new Queued(job, true);
        }
        job.state = JobState.QUEUED;
        jobs.persist(job);
        signals.afterCommitWakeRunner();
        LOG.infof("queued job %s: %s/%d %s into model %s", job.id, dataset, version, recipe, chosenModel);
        return new Queued(job, true);
    }

    private JsonNode readManifest(String key) {
        InputStream manifest = store.find(store.location(key))
                .orElseThrow(() -> new InvalidJobException("no dataset version at " + store.uri(key)));
        try (InputStream in = manifest) {
            return EventJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + store.uri(key) + ": " + e.getMessage(), e);
        }
    }

    private static ObjectRef fileOf(JsonNode manifest, String name, String prefix) {
        JsonNode file = manifest.path("files").path(name);
        if (file.isMissingNode()) {
            throw new InvalidJobException(prefix + "manifest.json lists no files." + name);
        }
        return EventJson.mapper().convertValue(file, ObjectRef.class);
    }
}
