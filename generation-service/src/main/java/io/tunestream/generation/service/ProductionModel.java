package io.tunestream.generation.service;

import io.tunestream.events.ArtifactRef;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.generation.config.GenerationConfig;
import io.tunestream.generation.storage.ModelFileCache;
import io.tunestream.llm.generation.SchedulerSettings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * The production version of the served model: follows the {@code production} alias from model-versions events,
 * downloads and loads a new version in the background, and swaps it in when it is ready.
 *
 * <p>The swap is one reference change under this object's lock: work submitted afterwards goes to the new version's
 * scheduler, work already submitted finishes on the old one, which closes when its last work is done
 * ({@link ServedModel#retire()}). Serving and prompt generation take the model from here, so they share one model in
 * memory (two only during a swap). A version that fails to download, verify or load is remembered with the reason
 * and the current version keeps serving.
 */
@ApplicationScoped
public class ProductionModel {

    private static final Logger LOG = Logger.getLogger(ProductionModel.class);

    private final String modelName;
    private final ModelFileCache files;
    private final SchedulerSettings schedulerSettings;
    private final String fallbackChatTemplate;
    /** Loads one version at a time, and closes retired ones off their own decode threads. */
    private final ExecutorService loader = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tunestream-model-loader");
        thread.setDaemon(true);
        return thread;
    });

    private ServedModel current;
    private int productionVersion;
    private ArtifactRef productionArtifact;
    private boolean loadScheduled;
    private final Set<Integer> formerProduction = new HashSet<>();
    private final Map<Integer, String> failedVersions = new HashMap<>();
    private final Map<Integer, String> rejectedVersions = new HashMap<>();
    /** Completed, and replaced, on every change of what is known or loaded: waiting prompts decide again. */
    private CompletableFuture<Void> changed = new CompletableFuture<>();

    public ProductionModel(ModelFileCache files, GenerationConfig config) {
        this.modelName = config.model();
        this.files = files;
        this.schedulerSettings = new SchedulerSettings(
                config.scheduler().maxBatchSize(), config.scheduler().queueCapacity());
        this.fallbackChatTemplate = config.fallbackChatTemplate();
    }

    /** The model name this replica serves. */
    public String modelName() {
        return modelName;
    }

    /** Takes note of a registry event; a change of production starts loading the new version in the background. */
    public synchronized void onModelVersion(ModelVersionEvent event) {
        if (!modelName.equals(event.model())) {
            return;
        }
        if (event.action() == ModelVersionAction.REJECTED) {
            rejectedVersions.put(event.version(), event.reason());
        }
        if (event.changesProduction() && event.version() != productionVersion) {
            if (productionVersion != 0) {
                formerProduction.add(productionVersion);
            }
            formerProduction.remove(event.version());
            rejectedVersions.remove(event.version());
            // A re-announced version gets another chance: its files may have been fixed.
            failedVersions.remove(event.version());
            productionVersion = event.version();
            productionArtifact = event.artifact();
            LOG.infof("model %s: version %d is now in production (%s)", modelName, productionVersion, event.action());
            scheduleLoad();
        }
        signalChange();
    }

    /** What to do with a prompt naming {@code requestedVersion}; {@link #whenChanged()} tells when to ask again. */
    public synchronized VersionDecision decide(int requestedVersion) {
        return VersionDecision.decide(
                modelName,
                requestedVersion,
                current == null ? 0 : current.version(),
                productionVersion,
                formerProduction,
                failedVersions,
                rejectedVersions);
    }

    /** Completes at the next change of what is known or loaded. */
    public synchronized CompletableFuture<Void> whenChanged() {
        return changed;
    }

    /**
     * The loaded model, held for the caller (who must {@link ServedModel#release()} it), if its version is
     * {@code version}; empty otherwise.
     */
    public synchronized Optional<ServedModel> acquire(int version) {
        if (current != null && current.version() == version && current.tryAcquire()) {
            return Optional.of(current);
        }
        return Optional.empty();
    }

    /** The loaded model, whatever its version, held for the caller; empty before the first version has loaded. */
    public synchronized Optional<ServedModel> acquireCurrent() {
        return current != null && current.tryAcquire() ? Optional.of(current) : Optional.empty();
    }

    /** The version in memory, or 0. */
    public synchronized int loadedVersion() {
        return current == null ? 0 : current.version();
    }

    /** Why {@code version} could not be loaded, if it could not. */
    public synchronized Optional<String> loadFailure(int version) {
        return Optional.ofNullable(failedVersions.get(version));
    }

    private void scheduleLoad() {
        if (!loadScheduled) {
            loadScheduled = true;
            loader.execute(this::loadProduction);
        }
    }

    /**
     * Loads whatever is production when it runs; events that arrive meanwhile are coalesced, so a replica that
     * replays the topic from the beginning loads at most the first and the last production version.
     */
    private void loadProduction() {
        int version;
        ArtifactRef artifact;
        synchronized (this) {
            loadScheduled = false;
            version = productionVersion;
            artifact = productionArtifact;
            if (current != null && current.version() == version) {
                return;
            }
        }
        ServedModel loaded;
        try {
            LOG.infof("model %s: loading version %d from %s", modelName, version, artifact.uri());
            Path directory = files.fetch(artifact);
            loaded = ServedModel.open(modelName, version, directory, schedulerSettings, fallbackChatTemplate, loader);
        } catch (RuntimeException e) {
            LOG.errorf(
                    e,
                    "model %s: version %d cannot be loaded; %s keeps serving",
                    modelName,
                    version,
                    current == null ? "nothing" : "version " + current.version());
            synchronized (this) {
                failedVersions.put(version, e.getMessage());
                signalChange();
            }
            return;
        }
        ServedModel retired;
        synchronized (this) {
            if (productionVersion != version) {
                // Production moved on while this one loaded; the next scheduled load brings the right one.
                retired = loaded;
            } else {
                retired = current;
                current = loaded;
                LOG.infof("model %s: version %d serves now", modelName, version);
                signalChange();
            }
        }
        if (retired != null) {
            retired.retire();
        }
    }

    private void signalChange() {
        CompletableFuture<Void> done = changed;
        changed = new CompletableFuture<>();
        done.complete(null);
    }

    @PreDestroy
    void shutdown() {
        ServedModel last;
        synchronized (this) {
            last = current;
            current = null;
            signalChange();
        }
        if (last != null) {
            last.retire();
        }
        loader.shutdown();
    }
}
