package io.tunestream.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.tunestream.dataset.ModelProduction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

@ApplicationScoped
public class ModelProductionRepository implements PanacheRepository<ModelProduction> {

    /** The first key of the two-key advisory locks on model names, apart from any other advisory lock. */
    private static final int MODEL_LOCK_SPACE = 0x7473_6d70;

    public Optional<ModelProduction> findByModel(String model) {
        return find("model", model).firstResultOptional();
    }

    /**
     * Serializes, until the end of the current transaction, everything that reads or moves a model's production:
     * applying a promotion and creating a pipeline for the model. Without it the two could overlap, neither seeing the
     * other's uncommitted row, and the new pipeline would wait for the next promotion with no round. A transaction-level
     * advisory lock works even before the model's first production row exists.
     */
    public void lockModel(String model) {
        getEntityManager()
                .createNativeQuery("select 1 from pg_advisory_xact_lock(?1, hashtext(?2))")
                .setParameter(1, MODEL_LOCK_SPACE)
                .setParameter(2, model)
                .getSingleResult();
    }
}
