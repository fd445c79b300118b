package io.tunestream.dataset.service;

import io.tunestream.dataset.ModelProduction;
import io.tunestream.dataset.Pipeline;
import io.tunestream.dataset.repository.ModelProductionRepository;
import io.tunestream.dataset.repository.PipelineRepository;
import io.tunestream.events.EventJson;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.Recipe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Tracks the production version of each model and starts a new round of every dpo pipeline of the model when it
 * changes: the pipeline's samples then get prompts (and pairs) for the new version, on policy again.
 */
@ApplicationScoped
public class RoundService {

    private static final Logger LOG = Logger.getLogger(RoundService.class);

    private final ModelProductionRepository productions;
    private final PipelineRepository pipelines;
    private final Event<ProductionChanged> productionChanged;

    public RoundService(
            ModelProductionRepository productions,
            PipelineRepository pipelines,
            Event<ProductionChanged> productionChanged) {
        this.productions = productions;
        this.pipelines = pipelines;
        this.productionChanged = productionChanged;
    }

    /**
     * Applies a registry event. Idempotent: an event that does not move production, names the version already in
     * production, or is not newer than the last change applied (a redelivery after newer events) changes nothing.
     *
     * @return whether production changed
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean apply(ModelVersionEvent event) {
        if (!event.changesProduction()) {
            return false;
        }
        productions.lockModel(event.model());
        ModelProduction production = productions.findByModel(event.model()).orElse(null);
        if (production != null
                && (production.version == event.version() || !event.occurredAt().isAfter(production.changedAt))) {
            LOG.debugf(
                    "model %s: version %d in production already, or event not newer; ignored",
                    event.model(), event.version());
            return false;
        }
        if (production == null) {
            production = new ModelProduction();
            production.model = event.model();
        }
        production.version = event.version();
        try {
            production.artifact = EventJson.mapper().writeValueAsString(event.artifact());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        production.changedAt = event.occurredAt();
        productions.persist(production);
        Set<Long> started = new LinkedHashSet<>();
        for (Pipeline listed : pipelines.byModelAndRecipe(event.model(), Recipe.DPO)) {
            Pipeline pipeline = pipelines.lock(listed.id);
            startRound(pipeline, event.version());
            started.add(pipeline.id);
        }
        LOG.infof(
                "model %s: version %d in production; new round for %d pipelines",
                event.model(), event.version(), started.size());
        if (!started.isEmpty()) {
            productionChanged.fire(new ProductionChanged(started));
        }
        return true;
    }

    static void startRound(Pipeline pipeline, int modelVersion) {
        pipeline.currentRound++;
        pipeline.currentModelVersion = modelVersion;
        pipeline.roundStartedAt = Instant.now();
    }
}
