package io.tunestream.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.tunestream.dataset.Sample;
import io.tunestream.dataset.service.SampleContent;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

@ApplicationScoped
public class SampleRepository implements PanacheRepository<Sample> {

    /**
     * The content hash is unique per dataset; a conflicting row is a duplicate and is skipped. Ids come from the
     * table's sequence directly, since these rows never pass through Hibernate.
     */
    private static final String INSERT = "insert into sample (id, dataset_id, content_hash, format, record, canonical,"
            + " prompt_messages, reference_answer, source, created_at)"
            + " values (nextval('sample_seq'), ?, ?, ?, ?::json, ?, ?, ?, ?, ?)"
            + " on conflict (dataset_id, content_hash) do nothing";

    private final DataSource dataSource;

    public SampleRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Inserts the samples that the dataset does not hold yet, in the caller's transaction (the connection is enlisted
     * in it).
     *
     * @return how many were new; the others were duplicates (also of each other)
     */
    public int insertIfAbsent(long datasetId, List<SampleContent> samples, String source) {
        if (samples.isEmpty()) {
            return 0;
        }
        Timestamp now = Timestamp.from(Instant.now());
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (SampleContent sample : samples) {
                insert.setLong(1, datasetId);
                insert.setString(2, sample.contentHash());
                insert.setString(3, sample.format().label());
                insert.setString(4, sample.record());
                insert.setString(5, sample.canonical());
                insert.setString(6, sample.promptMessagesJson());
                insert.setString(7, sample.referenceAnswer());
                insert.setString(8, source);
                insert.setTimestamp(9, now);
                insert.addBatch();
            }
            int added = 0;
            for (int count : insert.executeBatch()) {
                added += count;
            }
            return added;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store samples of dataset " + datasetId + ": " + e.getMessage(), e);
        }
    }

    public List<Sample> page(long datasetId, int page, int size) {
        return find("datasetId", Sort.by("id"), datasetId)
                .page(Page.of(page, size))
                .list();
    }

    public long countByDataset(long datasetId) {
        return count("datasetId", datasetId);
    }

    public long countDpoPrompts(long datasetId) {
        return count("datasetId = ?1 and promptMessages is not null", datasetId);
    }

    /** Samples per engine format label. */
    public Map<String, Long> countByFormat(long datasetId) {
        Map<String, Long> counts = new LinkedHashMap<>();
        getEntityManager()
                .createQuery(
                        "select s.format, count(s) from Sample s where s.datasetId = ?1"
                                + " group by s.format order by s.format",
                        Object[].class)
                .setParameter(1, datasetId)
                .getResultList()
                .forEach(row -> counts.put((String) row[0], (Long) row[1]));
        return counts;
    }

    /**
     * Samples that can be DPO prompts and have no prompt yet in the pipeline for the model version, oldest first.
     */
    public List<Sample> withoutPrompt(long datasetId, long pipelineId, int modelVersion, int limit) {
        return find(
                        "from Sample s where s.datasetId = ?1 and s.promptMessages is not null and not exists"
                                + " (select 1 from Prompt p where p.pipelineId = ?2 and p.sampleId = s.id"
                                + " and p.modelVersion = ?3) order by s.id",
                        datasetId,
                        pipelineId,
                        modelVersion)
                .page(Page.ofSize(limit))
                .list();
    }

    /** Whether a sample that can be a DPO prompt has no prompt yet in the pipeline for the model version. */
    public boolean hasUnprompted(long datasetId, long pipelineId, int modelVersion) {
        return !withoutPrompt(datasetId, pipelineId, modelVersion, 1).isEmpty();
    }

    /** The next samples after {@code afterId} that an sft or pretrain pipeline has not sealed yet, by id. */
    public List<Sample> unsealedAfter(long datasetId, long pipelineId, long afterId, int limit) {
        return find(
                        "from Sample s where s.datasetId = ?1 and s.id > ?3 and not exists (select 1 from SealedSample x"
                                + " where x.pipelineId = ?2 and x.sampleId = s.id) order by s.id",
                        datasetId,
                        pipelineId,
                        afterId)
                .page(Page.ofSize(limit))
                .list();
    }

    public long countUnsealed(long datasetId, long pipelineId) {
        return count(
                "from Sample s where s.datasetId = ?1 and not exists (select 1 from SealedSample x"
                        + " where x.pipelineId = ?2 and x.sampleId = s.id)",
                datasetId,
                pipelineId);
    }
}
