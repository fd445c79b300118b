package io.tunestream.training.service;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.EventIds;
import io.tunestream.events.EventJson;
import io.tunestream.events.GateEvaluation;
import io.tunestream.events.Lineage;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.training.JobState;
import io.tunestream.training.TrainingJob;
import io.tunestream.training.config.TrainingConfig;
import io.tunestream.training.messaging.TrainedModelPublisher;
import io.tunestream.training.registry.PromotionPolicy;
import io.tunestream.training.registry.RegistryClient;
import io.tunestream.training.repository.TrainingJobRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The one training thread of this JVM (the engine's gradient recorder is process-global): claims the oldest QUEUED job,
 * or a RUNNING one whose lease expired, renews the lease by heartbeat while it trains, and ends the job SUCCEEDED,
 * FAILED or (by a cancel) CANCELLED.
 *
 * <p>A run: resolve the base model from the {@link ModelVersionCatalog}; download it and the dataset version's
 * {@code train.jsonl} and {@code eval.jsonl} (followed by those of the versions the job took from others of its round),
 * verifying each file's sha256; fine-tune ({@link FineTuner}), recording every step; when the model's promotion policy
 * names an evaluation set, have parent and candidate answer it ({@link EvaluationSets}); upload the PEFT adapter to
 * {@code adapters/{job}/} and the merged checkpoint to {@code checkpoints/{job}/merged/}; then publish the
 * {@code TrainedModelEvent} naming them, and mark the job SUCCEEDED with the reason (the chosen step). Stale and
 * coalesced jobs never reach a runner: the claim ends them ({@code TrainingJobRepository#claim}).
 *
 * <p>Cancel: every step checks, in the transaction that records it, that the job is still RUNNING under this runner's
 * lease; when it is not (cancelled over REST, or the lease expired and another replica took the job) the run stops at
 * that step and leaves the row as the other party set it. A heartbeat that finds the lease gone stops it the same way.
 *
 * <p>Resume: every {@code runner.checkpoint-every} steps the run's resumable state is uploaded to
 * {@code checkpoints/{job}/step-{n}/} and then recorded on the row. A job re-claimed after its runner died (the lease
 * expired) downloads the recorded checkpoint, verified by sha256, and goes on from that step.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final TrainingJobRepository jobs;
    private final ModelVersionCatalog models;
    private final ObjectStore store;
    private final FineTuner fineTuner;
    private final EvaluationSets evaluationSets;
    private final RegistryClient registry;
    private final TrainedModelPublisher publisher;
    private final JobSignals signals;
    private final TrainingConfig.Runner settings;
    private final TrainingConfig.Defaults defaults;
    private final String owner;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private Thread thread;
    private ScheduledExecutorService heartbeats;

    public JobRunner(
            TrainingJobRepository jobs,
            ModelVersionCatalog models,
            ObjectStore store,
            FineTuner fineTuner,
            EvaluationSets evaluationSets,
            RegistryClient registry,
            TrainedModelPublisher publisher,
            JobSignals signals,
            TrainingConfig config) {
        this.jobs = jobs;
        this.models = models;
        this.store = store;
        this.fineTuner = fineTuner;
        this.evaluationSets = evaluationSets;
        this.registry = registry;
        this.publisher = publisher;
        this.signals = signals;
        this.settings = config.runner();
        this.defaults = config.defaults();
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    void start(@Observes StartupEvent startup) {
        heartbeats = Executors.newSingleThreadScheduledExecutor(
                runnable -> daemon(runnable, "tunestream-training-heartbeat"));
        if (!settings.enabled()) {
            LOG.info("the job runner is off (tunestream.training.runner.enabled=false): jobs wait for another replica");
            return;
        }
        thread = daemon(this::loop, "tunestream-training-runner");
        thread.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopping.set(true);
        if (thread != null) {
            thread.interrupt();
        }
        heartbeats.shutdownNow();
    }

    /** This runner's lease owner name: the process and a random suffix. */
    public String owner() {
        return owner;
    }

    private void loop() {
        while (!stopping.get()) {
            try {
                Optional<TrainingJob> claimed = jobs.claim(owner, settings.lease());
                if (claimed.isPresent()) {
                    run(claimed.get());
                } else {
                    signals.awaitWork(settings.pollInterval());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (stopping.get()) {
                    return;
                }
                LOG.errorf(e, "the job runner failed; it looks for work again in %s", settings.pollInterval());
                try {
                    signals.awaitWork(settings.pollInterval());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Runs one claimed job to its end, in the calling thread. */
    void run(TrainingJob job) {
        LOG.infof("job %s: claimed by %s (attempt %d)", job.id, owner, job.attempts);
        AtomicBoolean leaseLost = new AtomicBoolean();
        long every = settings.heartbeat().toMillis();
        ScheduledFuture<?> heartbeat = heartbeats.scheduleWithFixedDelay(
                () -> {
                    try {
                        if (!jobs.heartbeat(job.id, owner, settings.lease())) {
                            leaseLost.set(true);
                        }
                    } catch (RuntimeException e) {
                        LOG.warnf("job %s: heartbeat failed: %s", job.id, e.getMessage());
                    }
                },
                every,
                every,
                TimeUnit.MILLISECONDS);
        Path work = Paths.get(settings.workDirectory(), job.id + "-" + job.attempts);
        try {
            Finished finished = train(job, work, leaseLost);
            if (jobs.finish(job.id, owner, JobState.SUCCEEDED, null, finished.result(), finished.reason())) {
                LOG.infof("job %s: succeeded: %s", job.id, finished.reason());
            }
        } catch (JobCancelledException e) {
            LOG.infof("job %s: stopped: %s", job.id, e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s: failed", job.id);
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            jobs.finish(
                    job.id,
                    owner,
                    JobState.FAILED,
                    message.length() > 4000 ? message.substring(0, 4000) : message,
                    null);
        } finally {
            heartbeat.cancel(false);
            deleteRecursively(work);
        }
    }

    /** A trained job's result (the published event's artifacts and metrics) and why its candidate is what it is. */
    private record Finished(Map<String, Object> result, String reason) {}

    private Finished train(TrainingJob job, Path work, AtomicBoolean leaseLost) {
        ModelVersionCatalog.BaseModel base = models.resolve(job.model, job.baseModelVersion);
        ensureHeld(
                job,
                jobs.recordBaseModel(
                        job.id, owner, base.version(), EventJson.mapper().convertValue(base.artifact(), MAP)));
        Path baseDir = work.resolve("base");
        store.downloadDirectory(base.artifact(), baseDir);
        Path train = work.resolve("data/train.jsonl");
        Path eval = work.resolve("data/eval.jsonl");
        List<String> datasetVersions = downloadData(job, work.resolve("data"), train, eval);

        Path resumeFrom = null;
        if (job.checkpoint != null && job.checkpointStep > 0) {
            // The last checkpoint an earlier attempt uploaded: the run goes on from there, on the same data order.
            resumeFrom = work.resolve("resume/step-" + job.checkpointStep);
            store.downloadDirectory(EventJson.mapper().convertValue(job.checkpoint, ArtifactRef.class), resumeFrom);
            LOG.infof("job %s: resuming from the checkpoint of step %d", job.id, job.checkpointStep);
        }

        JobHyperparameters hyperparameters = JobHyperparameters.resolve(job.recipe, job.hyperparameters, defaults);
        FineTuner.Outcome outcome = fineTuner.run(
                new TrainingRequest(
                        job.recipe,
                        baseDir,
                        train,
                        eval,
                        work.resolve("out"),
                        hyperparameters,
                        settings.checkpointEvery(),
                        resumeFrom),
                step -> {
                    if (leaseLost.get() || !jobs.recordStep(job.id, owner, step)) {
                        throw new JobCancelledException("job " + job.id + " was cancelled or its lease was taken over"
                                + " (at step " + step.step() + ")");
                    }
                },
                (step, directory) -> {
                    // Objects first, then the row that names them: a recorded checkpoint is always complete.
                    ArtifactRef checkpoint =
                            store.uploadDirectory(directory, "checkpoints/" + job.id + "/step-" + step + "/");
                    ensureHeld(
                            job,
                            jobs.recordCheckpoint(
                                    job.id, owner, step, EventJson.mapper().convertValue(checkpoint, MAP)));
                });
        ensureHeld(job, jobs.heartbeat(job.id, owner, settings.lease()));
        GateEvaluation evaluation = evaluate(job, baseDir, outcome.merged(), work);
        ensureHeld(job, jobs.heartbeat(job.id, owner, settings.lease()));

        // Objects before the event that names them.
        ArtifactRef adapter =
                outcome.adapter() == null ? null : store.uploadDirectory(outcome.adapter(), "adapters/" + job.id + "/");
        ArtifactRef merged = store.uploadDirectory(outcome.merged(), "checkpoints/" + job.id + "/merged/");
        ensureHeld(job, jobs.heartbeat(job.id, owner, settings.lease()));
        Lineage lineage =
                EventJson.mapper().convertValue(job.lineage, Lineage.class).withTraining(job.id, base.version());
        TrainedModelEvent event = new TrainedModelEvent(
                EventIds.next(),
                TrainedModelEvent.SCHEMA_VERSION,
                Instant.now(),
                job.id,
                job.model,
                job.recipe,
                job.hyperparameters,
                adapter,
                merged,
                outcome.evalMetric(),
                outcome.candidateMetrics(),
                outcome.parentMetrics(),
                lineage,
                evaluation,
                outcome.steps(),
                outcome.chosenStep());
        publisher.publish(event);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("eventId", event.eventId());
        result.put("adapter", adapter == null ? null : EventJson.mapper().convertValue(adapter, MAP));
        result.put("mergedModel", EventJson.mapper().convertValue(merged, MAP));
        result.put("evalMetric", outcome.evalMetric());
        result.put("candidateMetrics", outcome.candidateMetrics());
        result.put("parentMetrics", outcome.parentMetrics());
        result.put("steps", outcome.steps());
        result.put("chosenStep", outcome.chosenStep());
        result.put("selection", selectionMap(outcome.selection()));
        result.put("trainExamples", outcome.trainExamples());
        result.put("datasetVersions", datasetVersions);
        result.put("evaluation", evaluation == null ? null : EventJson.mapper().convertValue(evaluation, MAP));
        return new Finished(result, reason(job, outcome, evaluation, datasetVersions));
    }

    /**
     * Downloads the job's training and held-out files, each verified against its sha256, and those of the dataset
     * versions it took from other jobs of its round ({@code coalescedVersions}), into {@code train} and {@code eval}:
     * its own records first, then theirs in the order they were queued.
     *
     * @return the dataset versions trained on, e.g. {@code [arithmetic/4, arithmetic/5]}
     */
    private List<String> downloadData(TrainingJob job, Path directory, Path train, Path eval) {
        List<ObjectRef> trainParts = new ArrayList<>();
        List<ObjectRef> evalParts = new ArrayList<>();
        List<String> versions = new ArrayList<>();
        trainParts.add(objectRef(job.datasetFiles.get("train")));
        evalParts.add(objectRef(job.datasetFiles.get("eval")));
        versions.add(job.dataset + "/" + job.datasetVersion);
        if (job.coalescedVersions != null) {
            for (Map<String, Object> part : job.coalescedVersions) {
                trainParts.add(objectRef(part.get("train")));
                evalParts.add(objectRef(part.get("eval")));
                versions.add(part.get("dataset") + "/" + part.get("version"));
            }
        }
        concatenate(trainParts, directory.resolve("parts/train"), train);
        concatenate(evalParts, directory.resolve("parts/eval"), eval);
        return versions;
    }

    private void concatenate(List<ObjectRef> parts, Path partsDirectory, Path target) {
        if (parts.size() == 1) {
            store.download(parts.get(0), target);
            return;
        }
        try {
            Files.createDirectories(target.getParent());
            try (OutputStream out = Files.newOutputStream(target)) {
                for (int i = 0; i < parts.size(); i++) {
                    Path part = partsDirectory.resolve(i + ".jsonl");
                    store.download(parts.get(i), part);
                    byte[] content = Files.readAllBytes(part);
                    out.write(content);
                    // JSON lines: a part without a final newline must not run into the next part's first record.
                    if (content.length > 0 && content[content.length - 1] != '\n') {
                        out.write('\n');
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot join the dataset versions' files into " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parent and candidate on the evaluation set the model's promotion policy names, or null when no registry is
     * configured, the registry knows no policy for the model, or the policy names no evaluation set. A registry that
     * cannot be reached, or a named set that cannot be read, fails the job: the registry's gate would reject a candidate
     * without the evaluation its policy asks for, so publishing one would only waste the round silently.
     */
    private GateEvaluation evaluate(TrainingJob job, Path parent, Path candidate, Path work) {
        if (!registry.configured()) {
            return null;
        }
        Optional<PromotionPolicy> policy;
        try {
            policy = registry.policy(job.model);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot read the promotion policy of model " + job.model + " from the registry: " + e.getMessage(),
                    e);
        }
        PromotionPolicy.EvaluationSetRef set =
                policy.map(PromotionPolicy::evaluationSet).orElse(null);
        if (set == null) {
            LOG.infof("job %s: the promotion policy of %s names no evaluation set", job.id, job.model);
            return null;
        }
        if (set.dataset() == null || set.dataset().isBlank() || set.version() == null || set.version() < 1) {
            throw new IllegalStateException("the promotion policy of model " + job.model + " names the evaluation set "
                    + set + ", which is not a dataset and a version from 1");
        }
        GateEvaluation evaluation = evaluationSets.evaluate(set.dataset(), set.version(), parent, candidate, work);
        LOG.infof(
                "job %s: evaluation set %s version %d: candidate %d, parent %d of %d",
                job.id,
                set.dataset(),
                set.version(),
                evaluation.candidateCorrect(),
                evaluation.parentCorrect(),
                evaluation.items());
        return evaluation;
    }

    private static Map<String, Object> selectionMap(FineTuner.Selection selection) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("metric", selection.metric());
        map.put("startCompetes", selection.startCompetes());
        map.put("chosenStep", selection.chosenStep());
        map.put("startValue", selection.startValue());
        map.put("chosenValue", selection.chosenValue());
        map.put("keptStart", selection.keptStart());
        return map;
    }

    /** What the job did, in words, for {@code GET /jobs}: the chosen step, and the evaluation set when there was one. */
    private static String reason(
            TrainingJob job, FineTuner.Outcome outcome, GateEvaluation evaluation, List<String> datasetVersions) {
        FineTuner.Selection selection = outcome.selection();
        StringBuilder reason = new StringBuilder();
        if (selection.keptStart()) {
            reason.append("no step beat the starting weights on the validation split (")
                    .append(selection.metric())
                    .append(' ')
                    .append(format(selection.startValue()))
                    .append(" at step 0): the candidate is the")
                    .append(" starting model (chosenStep 0 of ")
                    .append(outcome.steps())
                    .append(')');
        } else if (selection.startCompetes()) {
            reason.append("step ")
                    .append(selection.chosenStep())
                    .append(" of ")
                    .append(outcome.steps())
                    .append(" chosen by ")
                    .append(selection.metric())
                    .append(" on the validation split (")
                    .append(format(selection.chosenValue()))
                    .append(", starting weights ")
                    .append(format(selection.startValue()))
                    .append(')');
        } else {
            reason.append("step ")
                    .append(selection.chosenStep())
                    .append(" of ")
                    .append(outcome.steps())
                    .append(" chosen by the lowest ")
                    .append(selection.metric());
        }
        if (datasetVersions.size() > 1) {
            reason.append("; trained on ")
                    .append(String.join(", ", datasetVersions))
                    .append(" (coalesced)");
        }
        if (evaluation != null) {
            reason.append("; evaluation set ")
                    .append(evaluation.dataset())
                    .append(" version ")
                    .append(evaluation.version())
                    .append(": candidate ")
                    .append(evaluation.candidateCorrect())
                    .append(", parent ")
                    .append(evaluation.parentCorrect())
                    .append(" of ")
                    .append(evaluation.items());
        }
        return reason.toString();
    }

    private static String format(Double value) {
        return value == null ? "unknown" : String.format(Locale.ROOT, "%.4f", value);
    }

    private void ensureHeld(TrainingJob job, boolean held) {
        if (!held) {
            throw new JobCancelledException("job " + job.id + " was cancelled or its lease was taken over");
        }
    }

    private static ObjectRef objectRef(Object json) {
        return EventJson.mapper().convertValue(json, ObjectRef.class);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warnf("cannot remove %s: %s", root, e.getMessage());
        }
    }
}
