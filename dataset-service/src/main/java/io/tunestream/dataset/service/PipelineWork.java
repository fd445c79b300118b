package io.tunestream.dataset.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tunestream.dataset.Pipeline;
import io.tunestream.dataset.config.DatasetConfig;
import io.tunestream.dataset.repository.PipelineRepository;
import io.tunestream.events.Recipe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * What follows a commit, done off the committing thread (a Kafka poll loop or an HTTP request must not wait for
 * hundreds of prompts to be published): sending prompts after samples or a new round, and seals whose trigger may be
 * due. One worker thread runs the work in order; a request already waiting is not queued twice.
 *
 * <p>The same thread runs the periodic check: due seals (time windows; for dpo also completed rounds and finished
 * rounds' leftovers), version events and prompts the broker never acknowledged (a crash or a broker outage in
 * between), and, when configured, unanswered prompts.
 */
@ApplicationScoped
public class PipelineWork {

    private static final Logger LOG = Logger.getLogger(PipelineWork.class);

    private final PipelineRepository pipelines;
    private final PromptDispatcher dispatcher;
    private final SealingService sealing;
    private final DatasetConfig config;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService worker;

    public PipelineWork(
            PipelineRepository pipelines, PromptDispatcher dispatcher, SealingService sealing, DatasetConfig config) {
        this.pipelines = pipelines;
        this.dispatcher = dispatcher;
        this.sealing = sealing;
        this.config = config;
    }

    void start(@Observes StartupEvent startup) {
        worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "dataset-pipeline-work");
            thread.setDaemon(true);
            return thread;
        });
        long interval = config.sealing().checkInterval().toMillis();
        worker.scheduleWithFixedDelay(this::periodicCheck, 0, interval, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (worker != null) {
            worker.shutdownNow();
        }
    }

    void onSamplesAdded(@Observes(during = TransactionPhase.AFTER_SUCCESS) SamplesAdded added) {
        List<Pipeline> affected = QuarkusTransaction.requiringNew().call(() -> pipelines.byDataset(added.datasetId()));
        for (Pipeline pipeline : affected) {
            if (pipeline.recipe == Recipe.DPO) {
                submit("dispatch", pipeline.id, () -> dispatcher.dispatch(pipeline.id));
            } else {
                submit("seal", pipeline.id, () -> sealing.sealIfDue(pipeline.id, Instant.now()));
            }
        }
    }

    void onPairsAdded(@Observes(during = TransactionPhase.AFTER_SUCCESS) PairsAdded added) {
        for (long pipelineId : added.pipelineIds()) {
            submit("seal", pipelineId, () -> sealing.sealIfDue(pipelineId, Instant.now()));
        }
    }

    void onProductionChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) ProductionChanged changed) {
        for (long pipelineId : changed.pipelineIds()) {
            submit("dispatch", pipelineId, () -> dispatcher.dispatch(pipelineId));
            // The finished round's leftovers are sealed or superseded now, not when its next straggler arrives.
            submit("seal", pipelineId, () -> sealing.sealIfDue(pipelineId, Instant.now()));
        }
    }

    private void submit(String kind, long pipelineId, Runnable work) {
        String key = kind + ":" + pipelineId;
        if (!queued.add(key)) {
            return;
        }
        worker.execute(() -> {
            queued.remove(key);
            runLogged(key, work);
        });
    }

    private void periodicCheck() {
        // Nothing may escape a scheduled task: one that throws is never run again, and every later check (time
        // windows, pending publications, resends) would stop without a word. A database outage did that once, when
        // listing the pipelines failed.
        runLogged("periodic check", this::checkAllPipelines);
    }

    private void checkAllPipelines() {
        runLogged("publish pending versions", sealing::publishPending);
        Instant now = Instant.now();
        List<Pipeline> all = QuarkusTransaction.requiringNew().call(() -> pipelines.listAll());
        for (Pipeline pipeline : all) {
            if (pipeline.recipe == Recipe.DPO) {
                runLogged("dispatch:" + pipeline.id, () -> dispatcher.dispatch(pipeline.id));
                config.prompts()
                        .resendAfter()
                        .ifPresent(after -> runLogged(
                                "resend:" + pipeline.id,
                                () -> dispatcher.resendUnanswered(pipeline.id, now.minus(after))));
            }
            // dpo: also a round completed or left behind while a seal failed (the next check retries it).
            if (pipeline.sealWindowSeconds != null || pipeline.recipe == Recipe.DPO) {
                runLogged("seal:" + pipeline.id, () -> sealing.sealIfDue(pipeline.id, now));
            }
        }
    }

    private static void runLogged(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException | LinkageError e) {
            // Retried by the next periodic check; one pipeline's failure must not stop the others'. A LinkageError
            // (a native library of the tokenizer failing to load) is caught too: escaping the scheduled task, it
            // would cancel every later check without a word in the log.
            LOG.errorf(e, "%s failed: %s", what, e.getMessage());
        }
    }
}
