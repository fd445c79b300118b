package io.tunestream.registry.service;

import io.tunestream.events.GateDecision.EvaluationSet;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.platform.problem.ConflictException;
import io.tunestream.platform.problem.InvalidRequestException;
import io.tunestream.platform.problem.ResourceNotFoundException;
import io.tunestream.registry.Alias;
import io.tunestream.registry.AliasChange;
import io.tunestream.registry.ModelVersion;
import io.tunestream.registry.PromotionDecision;
import io.tunestream.registry.PromotionMode;
import io.tunestream.registry.RegisteredModel;
import io.tunestream.registry.VersionState;
import io.tunestream.registry.repository.AliasChangeRepository;
import io.tunestream.registry.repository.ModelRepository;
import io.tunestream.registry.repository.ModelVersionRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Optional;

/**
 * Promotions, roll-backs and the promotion policy, asked for over REST. Each runs in one transaction with the model's
 * row locked, and its event goes through the outbox, so it is published exactly when the change committed.
 */
@ApplicationScoped
@Transactional
public class AliasService {

    private final ModelRepository models;
    private final ModelVersionRepository versions;
    private final AliasChangeRepository history;
    private final AliasMoves aliases;

    public AliasService(
            ModelRepository models,
            ModelVersionRepository versions,
            AliasChangeRepository history,
            AliasMoves aliases) {
        this.models = models;
        this.versions = versions;
        this.history = history;
        this.aliases = aliases;
    }

    /**
     * Points {@code alias} at {@code version} and publishes {@code promoted}.
     *
     * @throws ConflictException when the version is not READY or already holds the alias
     */
    public ModelVersion promote(String modelName, int number, Alias alias, String reason) {
        RegisteredModel model = lockModel(modelName);
        ModelVersion version = readyVersion(model, number);
        Optional<ModelVersion> current = aliases.target(model, alias);
        if (current.isPresent() && current.get().version == number) {
            throw new ConflictException(
                    "version " + number + " of model '" + modelName + "' already holds " + alias.label());
        }
        String why = reason == null || reason.isBlank() ? "promoted over REST" : reason;
        if (alias == Alias.PRODUCTION) {
            if (version.decision == PromotionDecision.REJECTED) {
                why = why + " (overriding the policy's rejection: " + version.decisionReason + ")";
            }
            version.decision = PromotionDecision.PROMOTED;
            version.decisionReason = why;
        }
        aliases.move(model, alias, version, ModelVersionAction.PROMOTED, why);
        return version;
    }

    /**
     * Points {@code production} back at an earlier version and publishes {@code rolled-back}.
     *
     * @param number the version to go back to, or null for the one that held production before the current one
     * @throws ConflictException when there is no production version, no earlier one, or the target is not earlier
     */
    public ModelVersion rollBack(String modelName, Integer number, String reason) {
        RegisteredModel model = lockModel(modelName);
        ModelVersion current = aliases.target(model, Alias.PRODUCTION)
                .orElseThrow(() ->
                        new ConflictException("model '" + modelName + "' has no production version to roll back"));
        int targetNumber = number != null ? number : previousProduction(model, current.version);
        ModelVersion target = readyVersion(model, targetNumber);
        if (targetNumber >= current.version) {
            throw new ConflictException("cannot roll back model '" + modelName + "' to version " + targetNumber
                    + ": production is version " + current.version + " and a roll-back goes to an earlier version"
                    + " (promote a later one instead)");
        }
        String why = reason == null || reason.isBlank()
                ? "rolled back from version " + current.version + " over REST"
                : reason;
        aliases.move(model, Alias.PRODUCTION, target, ModelVersionAction.ROLLED_BACK, why);
        return target;
    }

    /**
     * Changes the model's policy; it applies to candidates registered from now on.
     *
     * @param evaluationSet the evaluation set to measure candidates on, or null for the eval-metric rule
     * @throws InvalidRequestException naming the field when a value is out of range
     */
    public RegisteredModel updatePolicy(
            String modelName,
            PromotionMode mode,
            double margin,
            EvaluationSet evaluationSet,
            double alpha,
            double familyTolerance) {
        if (mode == null) {
            throw new InvalidRequestException("policy.mode is required: 'manual' or 'automatic'");
        }
        if (!Double.isFinite(margin) || margin < 0) {
            throw new InvalidRequestException("policy.margin must be a finite number >= 0, got " + margin);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new InvalidRequestException(
                    "policy.alpha must be in (0, 1) (the sign test's significance level)," + " got " + alpha);
        }
        if (!Double.isFinite(familyTolerance) || familyTolerance < 0) {
            throw new InvalidRequestException("policy.familyTolerance must be a finite number >= 0 (a fraction: 0.02 is"
                    + " 2 points), got " + familyTolerance);
        }
        RegisteredModel model = lockModel(modelName);
        model.promotionMode = mode;
        model.promotionMargin = margin;
        model.evaluationDataset = evaluationSet == null ? null : evaluationSet.dataset();
        model.evaluationVersion = evaluationSet == null ? null : evaluationSet.version();
        model.gateAlpha = alpha;
        model.familyTolerance = familyTolerance;
        return model;
    }

    /** The version that held production before {@code current} took it, from the alias's history. */
    private int previousProduction(RegisteredModel model, int current) {
        for (AliasChange change : history.historyOf(model, Alias.PRODUCTION)) {
            if (change.version == current && change.previousVersion != null && change.previousVersion < current) {
                return change.previousVersion;
            }
        }
        throw new ConflictException("model '" + model.name + "' has no production version before version " + current
                + "; name the version to roll back to");
    }

    private RegisteredModel lockModel(String name) {
        return models.lockByName(name).orElseThrow(() -> new ResourceNotFoundException("no model '" + name + "'"));
    }

    private ModelVersion readyVersion(RegisteredModel model, int number) {
        ModelVersion version = versions.findVersion(model, number)
                .orElseThrow(
                        () -> new ResourceNotFoundException("model '" + model.name + "' has no version " + number));
        if (version.state != VersionState.READY) {
            throw new ConflictException("version " + number + " of model '" + model.name
                    + "' is still being registered (its files are being placed)");
        }
        return version;
    }
}
