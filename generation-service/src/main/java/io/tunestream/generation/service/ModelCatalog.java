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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Every registered model this replica can serve, and the versions it holds in memory.
 *
 * <p>From {@code tunestream.model-versions} it learns each model's versions (their files), which holds
 * {@code production} and {@code candidate}, and which were rejected. A version is loaded on first use (a prompt or a
 * request naming it), on a loader thread, and kept while the memory budget allows: when a load takes the loaded
 * weights over {@code memory-budget}, the least recently used versions are evicted. The configured default model
 * ({@code tunestream.generation.model}) is loaded as soon as its production version is known, so the usual case
 * answers its first prompt without a load.
 *
 * <p>A model whose production version is in memory follows promotions: the new version loads in the background and
 * is swapped in under this object's lock; work submitted afterwards goes to the new version's scheduler, work already
 * submitted finishes on the old one, which closes when its last work is done ({@link ServedModel#retire()}). A version
 * that fails to download, verify or load is remembered with the reason until it is announced again.
 */
@ApplicationScoped
public class ModelCatalog {

    private static final Logger LOG = Logger.getLogger(ModelCatalog.class);
    /** A load request for whatever version is production when the loader gets to it. */
    private static final int PRODUCTION = 0;

    private final String defaultModel;
    private final ModelFileCache files;
    private final SchedulerSettings schedulerSettings;
    private final String fallbackChatTemplate;
    /** Loads one version at a time, and closes retired ones off their own decode threads. */
    private final ExecutorService loader = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "tunestream-model-loader");
        thread.setDaemon(true);
        return thread;
    });

    private final Map<String, Registered> models = new HashMap<>();
    private final Map<String, ServedModel> loaded = new HashMap<>();
    private final ResidentModels resident;
    /** Loads asked for and not yet run: (model, version), version {@link #PRODUCTION} meaning the current one. */
    private final Set<LoadRequest> scheduled = new LinkedHashSet<>();
    /** Completed, and replaced, on every change of what is known or loaded: waiting work decides again. */
    private CompletableFuture<Void> changed = new CompletableFuture<>();

    private record LoadRequest(String model, int version) {}

    /** What the registry has said about one model. */
    private static final class Registered {
        final String name;
        int production;
        int candidate;
        /** The production version answering requests that name no version: loaded, or 0. */
        int serving;

        final Map<Integer, ArtifactRef> artifacts = new TreeMap<>();
        final Map<Integer, Integer> parents = new HashMap<>();
        final Set<Integer> formerProduction = new HashSet<>();
        final Map<Integer, String> failed = new HashMap<>();
        final Map<Integer, String> rejected = new HashMap<>();

        Registered(String name) {
            this.name = name;
        }
    }

    /** One version this replica can serve, as {@code /v1/models} lists it. */
    public record KnownVersion(String model, int version, Integer parentVersion, boolean loaded) {}

    /** One model with its aliases and versions, as {@code /v1/models} lists it. */
    public record KnownModel(String name, int production, int serving, int candidate, List<KnownVersion> versions) {}

    public ModelCatalog(ModelFileCache files, GenerationConfig config) {
        this.defaultModel = config.model();
        this.files = files;
        this.schedulerSettings = new SchedulerSettings(
                config.scheduler().maxBatchSize(), config.scheduler().queueCapacity());
        this.fallbackChatTemplate = config.fallbackChatTemplate();
        this.resident = new ResidentModels(config.memoryBudget().asLongValue());
    }

    /** The model loaded as soon as its production version is known. */
    public String defaultModel() {
        return defaultModel;
    }

    /** Takes note of a registry event; a change of production of a model in memory loads the new version. */
    public synchronized void onModelVersion(ModelVersionEvent event) {
        Registered model = models.computeIfAbsent(event.model(), Registered::new);
        int version = event.version();
        model.artifacts.put(version, event.artifact());
        if (event.lineage().parentModelVersion() != null) {
            model.parents.put(version, event.lineage().parentModelVersion());
        }
        if (event.action() == ModelVersionAction.REJECTED) {
            model.rejected.put(version, event.reason());
        }
        if (event.action() == ModelVersionAction.PROMOTED && ModelVersionEvent.CANDIDATE.equals(event.alias())) {
            model.candidate = version;
        }
        if (event.changesProduction() && version != model.production) {
            if (model.production != 0) {
                model.formerProduction.add(model.production);
            }
            model.formerProduction.remove(version);
            model.rejected.remove(version);
            // A re-announced version gets another chance: its files may have been fixed.
            model.failed.remove(version);
            model.production = version;
            LOG.infof("model %s: version %d is now in production (%s)", model.name, version, event.action());
            if (model.name.equals(defaultModel) || model.serving != 0) {
                schedule(new LoadRequest(model.name, PRODUCTION));
            }
        }
        signalChange();
    }

    /**
     * What to do with a prompt naming {@code model} version {@code requestedVersion}; {@link #whenChanged()} tells
     * when to ask again. A wait for the production version starts loading it.
     */
    public synchronized VersionDecision decide(String modelName, int requestedVersion) {
        Registered model = models.get(modelName);
        if (model == null) {
            return new VersionDecision.Wait();
        }
        VersionDecision decision = VersionDecision.decide(
                modelName,
                requestedVersion,
                loaded.containsKey(key(modelName, requestedVersion)),
                model.production,
                model.formerProduction,
                model.failed,
                model.rejected);
        if (decision instanceof VersionDecision.Wait && requestedVersion == model.production) {
            schedule(new LoadRequest(modelName, PRODUCTION));
        }
        return decision;
    }

    /** Whether any model-versions event named this model. */
    public synchronized boolean knows(String modelName) {
        return models.containsKey(modelName);
    }

    /** Completes at the next change of what is known or loaded. */
    public synchronized CompletableFuture<Void> whenChanged() {
        return changed;
    }

    /**
     * The loaded version, held for the caller (who must {@link ServedModel#release()} it); empty when it is not in
     * memory.
     */
    public synchronized Optional<ServedModel> acquire(String modelName, int version) {
        String key = key(modelName, version);
        ServedModel model = loaded.get(key);
        if (model != null && model.tryAcquire()) {
            resident.touch(key);
            return Optional.of(model);
        }
        return Optional.empty();
    }

    /**
     * The version a reference names, loaded if it is not in memory and held for the caller; waits at most
     * {@code timeout} for a load.
     *
     * @throws InferenceException 404 for a model or version the registry never announced, 503 when the load takes
     *     longer than the timeout, 500 when the version cannot be loaded
     */
    public ServedModel acquire(ModelReference reference, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            CompletableFuture<Void> next;
            synchronized (this) {
                next = changed;
                Registered model = models.get(reference.model());
                int version = model == null ? 0 : resolve(model, reference);
                if (version == 0) {
                    throw InferenceException.unknownModel(reference.toString(), describeKnown());
                }
                String failure = model.failed.get(version);
                if (failure != null) {
                    throw InferenceException.loadFailed(ModelReference.versionId(model.name, version), failure);
                }
                Optional<ServedModel> held = acquire(model.name, version);
                if (held.isPresent()) {
                    return held.get();
                }
                schedule(new LoadRequest(
                        model.name, reference.kind() == ModelReference.Kind.PRODUCTION ? PRODUCTION : version));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw InferenceException.notReady(reference.toString());
            }
            try {
                next.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw InferenceException.notReady(reference.toString());
            } catch (ExecutionException e) {
                throw new IllegalStateException("the model state signal failed", e);
            }
        }
    }

    /** The version a reference names now, or 0 when there is none. */
    private int resolve(Registered model, ModelReference reference) {
        return switch (reference.kind()) {
            case PRODUCTION -> model.serving != 0 ? model.serving : model.production;
            case CANDIDATE -> model.candidate;
            case VERSION -> model.artifacts.containsKey(reference.version()) ? reference.version() : 0;
        };
    }

    /** Every model with a production version, with every version announced; sorted by name. */
    public synchronized List<KnownModel> known() {
        List<KnownModel> known = new ArrayList<>();
        models.values().stream()
                .filter(model -> model.production != 0)
                .sorted((a, b) -> a.name.compareTo(b.name))
                .forEach(model -> known.add(new KnownModel(
                        model.name,
                        model.production,
                        model.serving,
                        model.candidate,
                        model.artifacts.keySet().stream()
                                .map(version -> new KnownVersion(
                                        model.name,
                                        version,
                                        model.parents.get(version),
                                        loaded.containsKey(key(model.name, version))))
                                .toList())));
        return known;
    }

    /** The production version of {@code model} in memory, or 0. */
    public synchronized int servingVersion(String modelName) {
        Registered model = models.get(modelName);
        return model == null ? 0 : model.serving;
    }

    /** Whether that version is in memory now. */
    public synchronized boolean isLoaded(String modelName, int version) {
        return loaded.containsKey(key(modelName, version));
    }

    /** Why {@code version} of {@code model} could not be loaded, if it could not. */
    public synchronized Optional<String> loadFailure(String modelName, int version) {
        Registered model = models.get(modelName);
        return model == null ? Optional.empty() : Optional.ofNullable(model.failed.get(version));
    }

    private String describeKnown() {
        List<String> names = models.values().stream()
                .filter(model -> model.production != 0)
                .map(model -> model.name)
                .sorted()
                .toList();
        return names.isEmpty() ? "no model has a production version yet" : "models served: " + String.join(", ", names);
    }

    private void schedule(LoadRequest request) {
        if (scheduled.add(request)) {
            loader.execute(() -> load(request));
        }
    }

    /**
     * Loads the requested version; a request for production loads whatever is production when it runs, so a replica
     * that replays the topic from the beginning loads at most the first and the last production version.
     */
    private void load(LoadRequest request) {
        String name = request.model();
        int version;
        ArtifactRef artifact;
        synchronized (this) {
            scheduled.remove(request);
            Registered model = models.get(name);
            version = request.version() == PRODUCTION ? model.production : request.version();
            artifact = model.artifacts.get(version);
            if (loaded.containsKey(key(name, version))
                    && (request.version() != PRODUCTION || model.serving == version)) {
                return;
            }
            if (model.failed.containsKey(version) || artifact == null) {
                return;
            }
        }
        ServedModel opened;
        if (isLoaded(name, version)) {
            opened = null; // loaded as an explicit version: it now becomes the production one
        } else {
            try {
                LOG.infof("model %s: loading version %d from %s", name, version, artifact.uri());
                Path directory = files.fetch(artifact);
                opened = ServedModel.open(name, version, directory, schedulerSettings, fallbackChatTemplate, loader);
            } catch (RuntimeException e) {
                LOG.errorf(e, "model %s: version %d cannot be loaded", name, version);
                synchronized (this) {
                    models.get(name).failed.put(version, e.getMessage());
                    signalChange();
                }
                return;
            }
        }
        List<ServedModel> retired = new ArrayList<>();
        synchronized (this) {
            Registered model = models.get(name);
            if (request.version() == PRODUCTION && model.production != version) {
                // Production moved on while this one loaded; the next scheduled load brings the right one.
                if (opened != null) {
                    retired.add(opened);
                }
            } else {
                String key = key(name, version);
                if (opened != null) {
                    loaded.put(key, opened);
                    for (String evicted : resident.admit(key, opened.memoryBytes())) {
                        retired.add(unload(evicted));
                    }
                    LOG.infof(
                            "model %s: version %d loaded (%d MiB of weights, %d MiB in memory in all)",
                            name, version, opened.memoryBytes() >> 20, resident.usedBytes() >> 20);
                }
                if (request.version() == PRODUCTION) {
                    int previous = model.serving;
                    model.serving = version;
                    if (previous != 0 && previous != version && loaded.containsKey(key(name, previous))) {
                        retired.add(unload(key(name, previous)));
                    }
                    LOG.infof("model %s: version %d serves production now", name, version);
                }
            }
            signalChange();
        }
        retired.forEach(ServedModel::retire);
    }

    /** Takes a version out of memory bookkeeping; the caller retires it outside the lock. */
    private ServedModel unload(String key) {
        ServedModel model = loaded.remove(key);
        resident.remove(key);
        Registered registered = models.get(model.name());
        if (registered.serving == model.version()) {
            registered.serving = 0;
        }
        LOG.infof("model %s: version %d leaves memory", model.name(), model.version());
        return model;
    }

    private static String key(String model, int version) {
        return ModelReference.versionId(model, version);
    }

    private void signalChange() {
        CompletableFuture<Void> done = changed;
        changed = new CompletableFuture<>();
        done.complete(null);
    }

    @PreDestroy
    void shutdown() {
        List<ServedModel> last;
        synchronized (this) {
            last = new ArrayList<>(loaded.values());
            loaded.clear();
            models.values().forEach(model -> model.serving = 0);
            signalChange();
        }
        last.forEach(ServedModel::retire);
        loader.shutdown();
    }
}
