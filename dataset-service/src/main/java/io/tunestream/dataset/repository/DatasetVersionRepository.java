package io.tunestream.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.tunestream.dataset.DatasetVersion;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class DatasetVersionRepository implements PanacheRepository<DatasetVersion> {

    public List<DatasetVersion> byDataset(long datasetId) {
        return list("datasetId", Sort.by("number"), datasetId);
    }

    public Optional<DatasetVersion> find(long datasetId, int number) {
        return find("datasetId = ?1 and number = ?2", datasetId, number).firstResultOptional();
    }

    /** The highest version number of the dataset, 0 when it has none. */
    public int lastNumber(long datasetId) {
        Integer last = getEntityManager()
                .createQuery("select max(v.number) from DatasetVersion v where v.datasetId = ?1", Integer.class)
                .setParameter(1, datasetId)
                .getSingleResult();
        return last == null ? 0 : last;
    }

    /** The versions a pipeline sealed of one round. */
    public long countByRound(long pipelineId, int round) {
        return count("pipelineId = ?1 and round = ?2", pipelineId, round);
    }

    /**
     * Versions whose event the broker has not acknowledged. A version of an evaluation set (no recipe) is never
     * published: it never trains.
     */
    public List<DatasetVersion> unpublished() {
        return list("publishedAt is null and recipe is not null", Sort.by("id"));
    }
}
