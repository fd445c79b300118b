package io.tunestream.registry.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.tunestream.platform.problem.InvalidRequestException;
import io.tunestream.registry.RegisteredModel;
import io.tunestream.registry.config.RegistryConfig;
import io.tunestream.registry.repository.ModelRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.regex.Pattern;

/** Creates models; a model's name becomes part of object keys and topics' subjects, so it is restricted. */
@ApplicationScoped
public class ModelCatalog {

    /** Letters, digits, '.', '_' and '-', starting with a letter or digit: safe in object keys, URLs and subjects. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final ModelRepository models;
    private final RegistryConfig config;

    public ModelCatalog(ModelRepository models, RegistryConfig config) {
        this.models = models;
        this.config = config;
        // Checked here rather than by the database's constraints, so that a wrong setting names its key.
        double alpha = config.promotion().defaultAlpha();
        double tolerance = config.promotion().defaultFamilyTolerance();
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalStateException(
                    "tunestream.registry.promotion.default-alpha must be in (0, 1), got " + alpha);
        }
        if (!Double.isFinite(tolerance) || tolerance < 0) {
            throw new IllegalStateException("tunestream.registry.promotion.default-family-tolerance must be a finite"
                    + " number >= 0, got " + tolerance);
        }
    }

    /** @throws InvalidRequestException naming the rule when {@code name} is not a valid model name */
    public static String requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new InvalidRequestException("model name '" + name
                    + "' is invalid: use 1-100 letters, digits, '.', '_'" + " or '-', starting with a letter or digit");
        }
        return name;
    }

    /** A new model with the configured default policy and no versions; persisted in the caller's transaction. */
    public RegisteredModel newModel(String name) {
        RegisteredModel model = new RegisteredModel();
        model.name = requireValidName(name);
        model.promotionMode = config.promotion().defaultMode();
        model.promotionMargin = config.promotion().defaultMargin();
        model.gateAlpha = config.promotion().defaultAlpha();
        model.familyTolerance = config.promotion().defaultFamilyTolerance();
        model.lastVersion = 0;
        model.createdAt = Instant.now();
        models.persist(model);
        return model;
    }

    /**
     * Makes sure the model exists, in a transaction of its own. Two replicas may race to create it: the loser's insert
     * fails on the unique name, and the model then exists, which is all that is asked.
     */
    public void ensureExists(String name) {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                if (models.findByName(name).isEmpty()) {
                    newModel(name);
                    models.flush();
                }
            });
        } catch (RuntimeException e) {
            boolean exists = QuarkusTransaction.requiringNew()
                    .call(() -> models.findByName(name).isPresent());
            if (!exists) {
                throw e;
            }
        }
    }
}
