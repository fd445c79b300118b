package io.tunestream.registry.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.platform.problem.ConflictException;
import io.tunestream.platform.problem.InvalidRequestException;
import io.tunestream.registry.Alias;
import io.tunestream.registry.ModelVersion;
import io.tunestream.registry.PromotionDecision;
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
import jakarta.persistence.PersistenceException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Brings an existing Hugging Face checkpoint into the registry as version 1 of a new model: how users bring their own
 * base model. The checkpoint is validated first; the model and its version are reserved (a second import of the same
 * name gets 409), the files uploaded under {@code models/{model}/1/}, and then, in one transaction, the version becomes
 * READY and takes {@code production}: a new model has nothing else to serve, so its imported version is production by
 * default. {@code registered} and {@code promoted} go through the outbox.
 */
@ApplicationScoped
public class CheckpointImport {

    static final String IMPORTED_REASON = "imported as the first version of a new model: production by default";
    private static final Logger LOG = Logger.getLogger(CheckpointImport.class);

    private final ModelCatalog catalog;
    private final ModelRepository models;
    private final ModelVersionRepository versions;
    private final ModelArtifactStore store;
    private final AliasMoves aliases;
    private final ModelVersionOutbox outbox;

    public CheckpointImport(
            ModelCatalog catalog,
            ModelRepository models,
            ModelVersionRepository versions,
            ModelArtifactStore store,
            AliasMoves aliases,
            ModelVersionOutbox outbox) {
        this.catalog = catalog;
        this.models = models;
        this.versions = versions;
        this.store = store;
        this.aliases = aliases;
        this.outbox = outbox;
    }

    /** What an import created. */
    public record Imported(String model, int version, CheckpointValidator.CheckpointSummary checkpoint) {}

    /**
     * @param sourceUri where the files came from, kept with the version ({@code upload:...} or {@code file:...})
     * @throws InvalidRequestException when the model name or the checkpoint is invalid
     * @throws ConflictException when the model exists
     */
    public Imported importCheckpoint(String model, Path directory, String sourceUri) {
        ModelCatalog.requireValidName(model);
        CheckpointValidator.CheckpointSummary summary = CheckpointValidator.validate(directory);
        long versionId = reserve(model, sourceUri);
        List<StoredFile> files;
        try {
            files = store.uploadDirectory(directory, model, 1);
        } catch (ArtifactRejectedException e) {
            discard(model);
            throw new ConflictException(e.getMessage());
        } catch (RuntimeException e) {
            discard(model);
            throw e;
        }
        QuarkusTransaction.requiringNew().run(() -> complete(versionId, files));
        LOG.infof("imported %s version 1 from %s: %s", model, sourceUri, summary);
        return new Imported(model, 1, summary);
    }

    private long reserve(String name, String sourceUri) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                if (models.findByName(name).isPresent()) {
                    throw new ConflictException("model '" + name + "' already exists; an import creates a new"
                            + " model with version 1 (new versions come from training jobs)");
                }
                RegisteredModel model = catalog.newModel(name);
                ModelVersion version = new ModelVersion();
                version.model = model;
                version.version = model.allocateVersion();
                version.state = VersionState.PENDING;
                version.origin = VersionOrigin.IMPORTED;
                version.metrics = Map.of();
                version.parentMetrics = Map.of();
                version.artifactUri = store.versionUri(name, version.version);
                version.sourceUri = sourceUri;
                version.createdAt = Instant.now();
                versions.persist(version);
                models.flush();
                return version.id;
            });
        } catch (PersistenceException e) {
            // Another import of the same name committed between the lookup and the insert (unique name).
            throw new ConflictException("model '" + name + "' already exists; an import creates a new model");
        }
    }

    private void complete(long versionId, List<StoredFile> files) {
        ModelVersion version = versions.findById(versionId);
        RegisteredModel model = models.lockByName(version.model.name).orElseThrow();
        files.forEach(file -> version.addFile(file.path(), file.sha256(), file.sizeBytes()));
        version.state = VersionState.READY;
        version.decision = PromotionDecision.PROMOTED;
        version.decisionReason = IMPORTED_REASON;
        outbox.append(ModelVersionEvents.of(ModelVersionAction.REGISTERED, version, null, null, null, Instant.now()));
        aliases.move(model, Alias.PRODUCTION, version, ModelVersionAction.PROMOTED, IMPORTED_REASON);
    }

    /**
     * Removes the reserved model so the import can be tried again (the store already removed what this attempt
     * uploaded; objects found under the prefix before it are left alone).
     */
    private void discard(String name) {
        QuarkusTransaction.requiringNew().run(() -> models.findByName(name).ifPresent(models::delete));
    }
}
