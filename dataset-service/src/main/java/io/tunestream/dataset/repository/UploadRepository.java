package io.tunestream.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.tunestream.dataset.Upload;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class UploadRepository implements PanacheRepository<Upload> {

    public long countByDataset(long datasetId) {
        return count("datasetId", datasetId);
    }
}
