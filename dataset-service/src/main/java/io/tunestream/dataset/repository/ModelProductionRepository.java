package io.tunestream.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.tunestream.dataset.ModelProduction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

@ApplicationScoped
public class ModelProductionRepository implements PanacheRepository<ModelProduction> {

    public Optional<ModelProduction> findByModel(String model) {
        return find("model", model).firstResultOptional();
    }
}
