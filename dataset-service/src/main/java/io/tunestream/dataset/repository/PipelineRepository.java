package io.tunestream.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.tunestream.dataset.Pipeline;
import io.tunestream.events.Recipe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class PipelineRepository implements PanacheRepository<Pipeline> {

    public Optional<Pipeline> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    /** Locks the pipeline's row: its rounds, prompts and seals change one transaction at a time. */
    public Pipeline lock(long id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    public List<Pipeline> byDataset(long datasetId) {
        return list("datasetId", datasetId);
    }

    public List<Pipeline> byModelAndRecipe(String model, Recipe recipe) {
        return list("model = ?1 and recipe = ?2", model, recipe);
    }
}
