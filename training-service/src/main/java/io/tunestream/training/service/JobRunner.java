package io.tunestream.training.service;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.EventIds;
import io.tunestream.events.EventJson;
import io.tunestream.events.Lineage;
import io.tunestream.events.ObjectRef;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.training.JobState;
import io.tunestream.training.TrainingJob;
import io.tunestream.training.config.TrainingConfig;
import io.tunestream.training.messaging.TrainedModelPublisher;
import io.tunestream.training.repository.TrainingJobRepository;
import io.tunestream.training.storage.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
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
 * {@code train.jsonl} and {@code eval.jsonl}, verifying each file's sha256; fine-tune ({@link FineTuner}), recording
 * every step; upload the PEFT adapter to {@code adapters/{job}/} and the merged checkpoint to
 * {@code checkpoints/{job}/merged/}; then publish the {@code TrainedModelEvent} naming them, and mark the job SUCCEEDED.
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
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final TrainingJobRepository jobs;
    private final ModelVersionCatalog models;
    private final ArtifactStore store;
    private final FineTuner fineTuner;
    private final TrainedModelPublisher publisher;
    private final JobSignals signals;
    private final TrainingConfig.Runner settings;
    private final TrainingConfig.Defaults defaults;
    private final String owner;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private Thread thread;
    private ScheduledExecutorService heartbeats;

    public JobRunner(TrainingJobRepository jobs, ModelVersionCatalog models, ArtifactStore store, FineTuner fineTuner,
            TrainedModelPublisher publisher, JobSignals signals, TrainingConfig config) {
        this.jobs = jobs;
        this.models = models;
        this.store = store;
        this.fineTuner = fineTuner;
        this.publisher = publisher;
        this.signals = signals;
        this.settings = config.runner();
        this.defaults = config.defaults();
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    void start(@Observes StartupEvent startup) {
        heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "tunestream-training-heartbeat"));
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
        ScheduledFuture<?> heartbeat = heartbeats.scheduleWithFixedDelay(() -> {
            try {
                if (!jobs.heartbeat(job.id, owner, settings.lease())) {
                    leaseLost.set(true);
                }
            } catch (RuntimeException e) {
                LOG.warnf("job %s: heartbeat failed: %s", job.id, e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        Path work = Paths.get(settings.workDirectory(), job.id + "-" + job.attempts);
        try {
            Map<String, Object> result = train(job, work, leaseLost);
            if (jobs.finish(job.id, owner, JobState.SUCCEEDED, null, result)) {
                LOG.infof("job %s: succeeded", job.id);
            }
        } catch (JobCancelledException e) {
            LOG.infof("job %s: stopped: %s", job.id, e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s: failed", job.id);
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            jobs.finish(job.id, owner, JobState.FAILED, message.length() > 4000 ? message.substring(0, 4000) : message, null);
        } finally {
            heartbeat.cancel(false);
            deleteRecursively(work);
        }
    }

    private Map<String, Object> train(TrainingJob job, Path work, AtomicBoolean leaseLost) {
        ModelVersionCatalog.BaseModel base = models.resolve(job.model, job.baseModelVersion);
        ensureHeld(job, jobs.recordBaseModel(job.id, owner, base.version(), EventJson.mapper().convertValue(base.artifact(), MAP)));
        Path baseDir = work.resolve("base");
        store.download(base.artifact(), baseDir);
        Path train = work.resolve("data/train.jsonl");
        Path eval = work.resolve("data/eval.jsonl");
        store.download(objectRef(job.datasetFiles.get("train")), train);
        store.download(objectRef(job.datasetFiles.get("eval")), eval);

        Path resumeFrom = null;
        if (job.checkpoint != null && job.checkpointStep > 0) {
            // The last checkpoint an earlier attempt uploaded: the run goes on from there, on the same data order.
            resumeFrom = work.resolve("resume/step-" + job.checkpointStep);
            store.download(EventJson.mapper().convertValue(job.checkpoint, ArtifactRef.class), resumeFrom);
            LOG.infof("job %s: resuming from the checkpoint of step %d", job.id, job.checkpointStep);
        }

        JobHyperparameters hyperparameters = JobHyperparameters.resolve(job.recipe, job.hyperparameters, defaults);
        FineTuner.Outcome outcome = fineTuner.run(
                new TrainingRequest(job.recipe, baseDir, train, eval, work.resolve("out"), hyperparameters,
                        settings.checkpointEvery(), resumeFrom),
                step -> {
                    if (leaseLost.get() || !jobs.recordStep(job.id, owner, step)) {
                        throw new JobCancelledException("job " + job.id + " was cancelled or its lease was taken over"
                                + " (at step " + step.step() + ")");
                    }
                },
                (step, directory) -> {
                    // Objects first, then the row that names them: a recorded checkpoint is always complete.
                    ArtifactRef checkpoint = store.upload(directory, "checkpoints/" + job.id + "/step-" + step + "/");
                    ensureHeld(job, jobs.recordCheckpoint(job.id, owner, step,
                            EventJson.mapper().convertValue(checkpoint, MAP)));
                });
        ensureHeld(job, jobs.heartbeat(job.id, owner, settings.lease()));

        // Objects before the event that names them.
        ArtifactRef adapter = outcome.adapter() == null ? null : store.upload(outcome.adapter(), "adapters/" + job.id + "/");
        ArtifactRef merged = store.upload(outcome.merged(), "checkpoints/" + job.id + "/merged/");
        ensureHeld(job, jobs.heartbeat(job.id, owner, settings.lease()));
        Lineage lineage = EventJson.mapper().convertValue(job.lineage, Lineage.class).withTraining(job.id, base.version());
        TrainedModelEvent event = new TrainedModelEvent(EventIds.next(), TrainedModelEvent.SCHEMA_VERSION, Instant.now(),
                job.id, job.model, job.recipe, job.hyperparameters, adapter, merged, outcome.evalMetric(),
                outcome.candidateMetrics(), outcome.parentMetrics(), lineage);
        publisher.publish(event);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("eventId", event.eventId());
        result.put("adapter", adapter == null ? null : EventJson.mapper().convertValue(adapter, MAP));
        result.put("mergedModel", EventJson.mapper().convertValue(merged, MAP));
        result.put("evalMetric", outcome.evalMetric());
        result.put("candidateMetrics", outcome.candidateMetrics());
        result.put("parentMetrics", outcome.parentMetrics());
        result.put("bestStep", outcome.bestStep());
        return result;
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
