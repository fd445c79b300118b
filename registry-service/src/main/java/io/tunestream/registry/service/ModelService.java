package io.tunestream.registry.service;

import io.tunestream.platform.problem.ConflictException;
import io.tunestream.platform.problem.ResourceNotFoundException;
import io.tunestream.registry.Alias;
import io.tunestream.registry.AliasChange;
import io.tunestream.registry.ModelAlias;
import io.tunestream.registry.ModelVersion;
import io.tunestream.registry.ModelVersionFile;
import io.tunestream.registry.RegisteredModel;
import io.tunestream.registry.VersionState;
import io.tunestream.registry.repository.AliasChangeRepository;
import io.tunestream.registry.repository.ModelAliasRepository;
import io.tunestream.registry.repository.ModelRepository;
import io.tunestream.registry.repository.ModelVersionRepository;
import io.tunestream.registry.storage.ModelArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.InputStream;
import java.util.List;

/**
 * What the API reads of models, versions, aliases and version files; the changes are {@link AliasService}'s and
 * {@link CheckpointImport}'s.
 *
 * <p>The reads run without a transaction, in the request's own Hibernate session: the entities they return stay
 * attached until the response is written, so the resource can map their lazy associations (a version's model and
 * files), as it could when the resource itself was transactional.
 */
@ApplicationScoped
public class ModelService {

    private final ModelRepository models;
    private final ModelVersionRepository versions;
    private final ModelAliasRepository aliases;
    private final AliasChangeRepository aliasHistory;
    private final ModelArtifactStore store;

    public ModelService(
            ModelRepository models,
            ModelVersionRepository versions,
            ModelAliasRepository aliases,
            AliasChangeRepository aliasHistory,
            ModelArtifactStore store) {
        this.models = models;
        this.versions = versions;
        this.aliases = aliases;
        this.aliasHistory = aliasHistory;
        this.store = store;
    }

    /** Every model, by name. */
    public List<RegisteredModel> models() {
        return models.listByName();
    }

    /** @throws ResourceNotFoundException when no model has this name */
    public RegisteredModel model(String name) {
        return models.findByName(name).orElseThrow(() -> new ResourceNotFoundException("no model '" + name + "'"));
    }

    /** @throws ResourceNotFoundException when the model has no such version */
    public ModelVersion version(RegisteredModel model, int number) {
        return versions.findVersion(model, number)
                .orElseThrow(
                        () -> new ResourceNotFoundException("model '" + model.name + "' has no version " + number));
    }

    /** Every version of the model, ready or still being registered, in version order. */
    public List<ModelVersion> versions(RegisteredModel model) {
        return versions.listOf(model);
    }

    public List<ModelVersion> readyVersions(RegisteredModel model) {
        return versions.listOf(model).stream()
                .filter(version -> version.state == VersionState.READY)
                .toList();
    }

    /** The aliases the model's versions hold. */
    public List<ModelAlias> aliases(RegisteredModel model) {
        return aliases.listOf(model);
    }

    /** @throws ResourceNotFoundException when no version of the model holds the alias */
    public ModelAlias alias(RegisteredModel model, Alias alias) {
        return aliases.findAlias(model, alias)
                .orElseThrow(() -> new ResourceNotFoundException(
                        "model '" + model.name + "' has no version under alias " + alias.label()));
    }

    /** The alias's moves, latest first. */
    public List<AliasChange> aliasHistory(RegisteredModel model, Alias alias) {
        return aliasHistory.historyOf(model, alias);
    }

    /**
     * One file of a ready version, as registered (its size and sha256).
     *
     * @throws ResourceNotFoundException when the model, the version or the file does not exist
     * @throws ConflictException when the version is still being registered
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public ModelVersionFile readyFile(String model, int number, String path) {
        ModelVersion version = version(model(model), number);
        if (version.state != VersionState.READY) {
            throw new ConflictException("version " + number + " of model '" + model + "' is still being registered");
        }
        return version.files.stream()
                .filter(candidate -> candidate.path.equals(path))
                .findFirst()
                .orElseThrow(() -> new ResourceNotFoundException(
                        "version " + number + " of model '" + model + "' has no file '" + path + "'"));
    }

    /** The content of a file {@link #readyFile} found, streamed from object storage; the caller closes it. */
    public InputStream openFile(String model, int number, String path) {
        return store.open(model, number, path);
    }
}
