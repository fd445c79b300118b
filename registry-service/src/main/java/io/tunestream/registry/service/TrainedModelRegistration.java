package io.tunestream.registry.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.tunestream.events.GateEvaluation;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.events.TrainedModelEvent;
import io.tunestream.platform.problem.InvalidRequestException;
import io.tunestream.registry.Alias;
import io.tunestream.registry.ModelVersion;
import io.tunestream.registry.PromotionDecision;
import io.tunestream.registry.PromotionMode;
import io.tunestream.registry.RegisteredModel;
import io.tunestream.registry.VersionOrigin;
import io.tunestream.registry.VersionState;
import io.tunestream.registry.messaging.ModelVersionOutbox;
import io.tunestream.registry.repository.ModelRepository;
import io.tunestream.registry.repository.ModelVersionRepository;
import io.tunestream.registry.storage.ArtifactRejectedException;
import io.tunestream.registry.storage.ModelArtifactStore;
import io.tunestream.registry.storage.StoredFile;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Registers the merged model of a finished training job as the model's next version and applies its promotion policy.
 *
 * <p>Three steps, each safe to repeat after a crash or a redelivery:
 * <ol>
 * <li><b>Reserve</b> (one transaction, model row locked): the job id is looked up first, so a redelivered event finds
 *     its version and creates nothing; otherwise the next version number is handed out and a {@code PENDING} row
 *     claims the job id (unique constraint, the last line of defence between replicas).</li>
 * <li><b>Place the files</b> under {@code models/{model}/{version}/}, each copied through a sha256 digest and compared
 *     with the event. A retry of a pending registration finds its own earlier copies and accepts them only when their
 *     content matches; nothing is overwritten.</li>
 * <li><b>Complete</b> (one transaction): the version becomes {@code READY} with its files, the promotion policy
 *     decides, and the {@code registered} and {@code promoted}/{@code rejected} events go to the outbox in the same
 *     transaction, so they are sent exactly when this commit happened.</li>
 * </ol>
 * Files that can never be registered (checksum or size differ, missing) discard the reservation (its number is not
 * reused; the store removes what this attempt copied); the caller dead-letters the event.
 */
@ApplicationScoped
public class TrainedModelRegistration {

    private static final Logger LOG = Logger.getLogger(TrainedModelRegistration.class);

    private final ModelCatalog catalog;
    private final ModelRepository models;
    private final ModelVersionRepository versions;
    private final ModelArtifactStore store;
    private final AliasMoves aliases;
    private final ModelVersionOutbox outbox;
    private final MeterRegistry meters;

    public TrainedModelRegistration(
            ModelCatalog catalog,
            ModelRepository models,
            ModelVersionRepository versions,
            ModelArtifactStore store,
            AliasMoves aliases,
            ModelVersionOutbox outbox,
            MeterRegistry meters) {
        this.catalog = catalog;
        this.models = models;
        this.versions = versions;
        this.store = store;
        this.aliases = aliases;
        this.outbox = outbox;
        this.meters = meters;
    }

    /** What a registration did. */
    public enum Outcome {
        /** A new version was registered and the policy applied. */
        REGISTERED,
        /** The job's version was registered before (a redelivery); nothing changed. */
        ALREADY_REGISTERED
    }

    private record Reservation(long versionId, String model, int version, boolean ready) {}

    /**
     * @throws ArtifactRejectedException when the event's files can never be registered (dead-letter it)
     * @throws InvalidRequestException when the event names an invalid model or a job registered for another model
     */
    public Outcome register(TrainedModelEvent event) {
        ModelCatalog.requireValidName(event.model());
        catalog.ensureExists(event.model());
        Reservation reservation = QuarkusTransaction.requiringNew().call(() -> reserve(event));
        if (reservation.ready()) {
            count("already-registered");
            LOG.infof(
                    "job %s is already registered as %s version %d; nothing to do",
                    event.jobId(), reservation.model(), reservation.version());
            return Outcome.ALREADY_REGISTERED;
        }
        List<StoredFile> files;
        try {
            files = store.copyVerified(event.mergedModel(), reservation.model(), reservation.version());
        } catch (ArtifactRejectedException e) {
            discard(reservation);
            count("files-rejected");
            throw e;
        }
        PromotionDecision decision = QuarkusTransaction.requiringNew()
                .call(() -> complete(reservation.versionId(), files, event.evaluation()));
        count(
                decision == null
                        ? "already-registered"
                        : decision.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return decision == null ? Outcome.ALREADY_REGISTERED : Outcome.REGISTERED;
    }

    /** Registrations by outcome: promoted, rejected, awaiting-manual, already-registered, files-rejected. */
    private void count(String outcome) {
        meters.counter("tunestream.registry.registrations", "outcome", outcome).increment();
    }

    private Reservation reserve(TrainedModelEvent event) {
        RegisteredModel model = models.lockByName(event.model())
                .orElseThrow(
                        () -> new IllegalStateException("model " + event.model() + " vanished after it was created"));
        var existing = versions.findByJobId(event.jobId());
        if (existing.isPresent()) {
            ModelVersion version = existing.get();
            if (!version.model.name.equals(model.name)) {
                throw new InvalidRequestException("job " + event.jobId() + " is already registered as version "
                        + version.version + " of model " + version.model.name + ", not of " + model.name);
            }
            return new Reservation(version.id, model.name, version.version, version.state == VersionState.READY);
        }
        ModelVersion version = new ModelVersion();
        version.model = model;
        version.version = model.allocateVersion();
        version.state = VersionState.PENDING;
        version.origin = VersionOrigin.TRAINED;
        version.jobId = event.jobId();
        version.recipe = event.recipe();
        version.hyperparameters = event.hyperparameters();
        version.dataset = event.lineage().dataset();
        version.datasetVersion = event.lineage().datasetVersion();
        version.pipeline = event.lineage().pipeline();
        version.sourceModel = event.lineage().sourceModel();
        version.sourceModelVersion = event.lineage().sourceModelVersion();
        version.parentVersion = event.lineage().parentModelVersion();
        version.evalMetric = event.evalMetric();
        version.metrics = event.candidateMetrics();
        version.parentMetrics = event.parentMetrics();
        version.artifactUri = store.versionUri(model.name, version.version);
        version.sourceUri = event.mergedModel().uri();
        if (event.adapter() != null) {
            version.adapterUri = event.adapter().uri();
            version.adapterFiles = event.adapter().files().stream()
                    .map(file -> Map.<String, Object>of(
                            "uri", file.uri(), "sha256", file.sha256(), "sizeBytes", file.sizeBytes()))
                    .toList();
        }
        version.createdAt = Instant.now();
        versions.persist(version);
        return new Reservation(version.id, model.name, version.version, false);
    }

    /** @return the policy's decision, or null when another consumer completed this registration first */
    private PromotionDecision complete(long versionId, List<StoredFile> files, GateEvaluation evaluation) {
        ModelVersion version = versions.findById(versionId);
        RegisteredModel model = models.lockByName(version.model.name).orElseThrow();
        if (version.state == VersionState.READY) {
            return null;
        }
        files.forEach(file -> version.addFile(file.path(), file.sha256(), file.sizeBytes()));
        version.state = VersionState.READY;
        Instant now = Instant.now();
        outbox.append(ModelVersionEvents.of(ModelVersionAction.REGISTERED, version, null, null, null, now));

        if (model.promotionMode == PromotionMode.MANUAL) {
            version.decision = PromotionDecision.AWAITING_MANUAL;
            version.decisionReason = "the model's promotion policy is manual: promote it over REST";
            aliases.move(model, Alias.CANDIDATE, version, ModelVersionAction.PROMOTED, version.decisionReason);
            return version.decision;
        }
        Integer production = aliases.target(model, Alias.PRODUCTION)
                .map(target -> target.version)
                .orElse(null);
        // The policy as it is now, under the model's row lock: a PUT of the policy applies to what completes after it.
        PromotionRule.Verdict verdict = PromotionRule.decide(
                model.gatePolicy(),
                version.evalMetric,
                version.metrics,
                version.parentMetrics,
                evaluation,
                version.parentVersion,
                production);
        version.decisionReason = verdict.reason();
        version.gate = verdict.gate();
        if (verdict.promote()) {
            version.decision = PromotionDecision.PROMOTED;
            aliases.move(
                    model, Alias.PRODUCTION, version, ModelVersionAction.PROMOTED, verdict.reason(), verdict.gate());
        } else {
            version.decision = PromotionDecision.REJECTED;
            outbox.append(ModelVersionEvents.of(
                    ModelVersionAction.REJECTED, version, null, null, verdict.reason(), verdict.gate(), now));
        }
        LOG.infof(
                "registered %s version %d from job %s: %s (%s)",
                model.name, version.version, version.jobId, version.decision, verdict.reason());
        return version.decision;
    }

    /** Frees the job id for a corrected redelivery; the version number stays used (numbers are never reused). */
    private void discard(Reservation reservation) {
        QuarkusTransaction.requiringNew().run(() -> {
            ModelVersion version = versions.findById(reservation.versionId());
            if (version != null && version.state == VersionState.PENDING) {
                versions.delete(version);
            }
        });
    }
}
