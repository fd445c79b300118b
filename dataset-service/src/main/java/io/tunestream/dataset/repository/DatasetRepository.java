package io.tunestream.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.tunestream.dataset.Dataset;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.Optional;

@ApplicationScoped
public class DatasetRepository implements PanacheRepository<Dataset> {

    public Optional<Dataset> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    /** Locks the dataset's row: version numbers of one dataset are given out one at a time. */
    public Dataset lock(long id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }
}
