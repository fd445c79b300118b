package io.tunestream.registry.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.tunestream.registry.ModelVersion;
import io.tunestream.registry.RegisteredModel;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class ModelVersionRepository implements PanacheRepository<ModelVersion> {

    public Optional<ModelVersion> findByJobId(String jobId) {
        return find("jobId", jobId).firstResultOptional();
    }

    public Optional<ModelVersion> findVersion(RegisteredModel model, int version) {
        return find("model = ?1 and version = ?2", model, version).firstResultOptional();
    }

    public List<ModelVersion> listOf(RegisteredModel model) {
        return list("model = ?1 order by version", model);
    }
}
