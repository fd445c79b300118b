package io.tunestream.registry.service;

import io.tunestream.events.GateDecision;
import io.tunestream.events.ModelVersionAction;
import io.tunestream.registry.Alias;
import io.tunestream.registry.AliasChange;
import io.tunestream.registry.ModelAlias;
import io.tunestream.registry.ModelVersion;
import io.tunestream.registry.RegisteredModel;
import io.tunestream.registry.messaging.ModelVersionOutbox;
import io.tunestream.registry.repository.AliasChangeRepository;
import io.tunestream.registry.repository.ModelAliasRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/**
 * The one way an alias moves: the alias row, a line in its history, and the event announcing it, all in the caller's
 * transaction (which holds the model's row lock).
 */
@ApplicationScoped
public class AliasMoves {

    private final ModelAliasRepository aliases;
    private final AliasChangeRepository history;
    private final ModelVersionOutbox outbox;

    public AliasMoves(ModelAliasRepository aliases, AliasChangeRepository history, ModelVersionOutbox outbox) {
        this.aliases = aliases;
        this.history = history;
        this.outbox = outbox;
    }

    /** The version an alias points at now. */
    public Optional<ModelVersion> target(RegisteredModel model, Alias alias) {
        return aliases.findAlias(model, alias).map(row -> row.target);
    }

    /**
     * Points {@code alias} at {@code version} and announces it as {@code action} ({@code promoted} or
     * {@code rolled-back}), with the version that held the alias before.
     */
    public void move(
            RegisteredModel model, Alias alias, ModelVersion version, ModelVersionAction action, String reason) {
        move(model, alias, version, action, reason, null);
    }

    /** The same, the event carrying the automatic policy's decision that moved the alias. */
    public void move(
            RegisteredModel model,
            Alias alias,
            ModelVersion version,
            ModelVersionAction action,
            String reason,
            GateDecision gate) {
        Instant now = Instant.now();
        ModelAlias row = aliases.findAlias(model, alias).orElseGet(() -> {
            ModelAlias created = new ModelAlias();
            created.model = model;
            created.alias = alias;
            return created;
        });
        Integer previous = row.target == null ? null : row.target.version;
        row.target = version;
        row.updatedAt = now;
        aliases.persist(row);

        AliasChange change = new AliasChange();
        change.model = model;
        change.alias = alias;
        change.version = version.version;
        change.previousVersion = previous;
        change.action = action;
        change.reason = reason;
        change.changedAt = now;
        history.persist(change);

        outbox.append(ModelVersionEvents.of(action, version, alias, previous, reason, gate, now));
    }
}
