package io.tunestream.registry.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.tunestream.registry.RegisteredModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class ModelRepository implements PanacheRepository<RegisteredModel> {

    public Optional<RegisteredModel> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    /**
     * The model with its row locked until the transaction ends: every change to a model's versions and aliases
     * takes this lock first, so version numbers and alias moves of one model are serialised across replicas.
     */
    public Optional<RegisteredModel> lockByName(String name) {
        return find("name", name).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public List<RegisteredModel> listByName() {
        return list("order by name");
    }
}
