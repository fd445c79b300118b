package io.tunestream.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.tunestream.dataset.PreferencePair;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Generations received (by natural key) and the pairs and drops made of them. */
@ApplicationScoped
public class PairRepository implements PanacheRepository<PreferencePair> {

    /** A generation as stored: the first one received for its prompt hash, model and version. */
    public record StoredGeneration(String text, String finishReason, String error) {
    }

    /**
     * Records a generation under its natural key (prompt hash, model, version).
     *
     * @return false when one was already recorded: this one is a redelivery or a duplicate and must change nothing
     */
    public boolean recordGeneration(String promptHash, String model, int modelVersion, String text,
            String finishReason, String error, String samplingJson) {
        int inserted = getEntityManager().createNativeQuery("insert into generation (id, prompt_hash, model,"
                        + " model_version, text, finish_reason, error, sampling, received_at)"
                        + " values (nextval('generation_seq'), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                        + " on conflict (prompt_hash, model, model_version) do nothing")
                .setParameter(1, promptHash)
                .setParameter(2, model)
                .setParameter(3, modelVersion)
                .setParameter(4, text)
                .setParameter(5, finishReason)
                .setParameter(6, error)
                .setParameter(7, samplingJson)
                .setParameter(8, Timestamp.from(Instant.now()))
                .executeUpdate();
        return inserted == 1;
    }

    /** The generation already received for a prompt hash, model and version, if any. */
    public Optional<StoredGeneration> generation(String promptHash, String model, int modelVersion) {
        List<?> rows = getEntityManager().createNativeQuery("select text, finish_reason, error from generation"
                        + " where prompt_hash = ?1 and model = ?2 and model_version = ?3")
                .setParameter(1, promptHash)
                .setParameter(2, model)
                .setParameter(3, modelVersion)
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = (Object[]) rows.get(0);
        return Optional.of(new StoredGeneration((String) row[0], (String) row[1], (String) row[2]));
    }

    /**
     * Stores a pair or a drop for a sample unless the pipeline already has one for that sample and model version.
     *
     * @param dropReason null for a pair
     * @return whether it was stored
     */
    public boolean insertIfAbsent(long pipelineId, long sampleId, int round, int modelVersion, String promptHash,
            String chosen, String rejected, String dropReason) {
        int inserted = getEntityManager().createNativeQuery("insert into preference_pair (id, pipeline_id, sample_id,"
                        + " round, model_version, prompt_hash, chosen, rejected, drop_reason, created_at)"
                        + " values (nextval('preference_pair_seq'), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                        + " on conflict (pipeline_id, sample_id, model_version) do nothing")
                .setParameter(1, pipelineId)
                .setParameter(2, sampleId)
                .setParameter(3, round)
                .setParameter(4, modelVersion)
                .setParameter(5, promptHash)
                .setParameter(6, chosen)
                .setParameter(7, rejected)
                .setParameter(8, dropReason)
                .setParameter(9, Timestamp.from(Instant.now()))
                .executeUpdate();
        return inserted == 1;
    }

    /** Pairs (not drops) of the round that no version holds yet. */
    public long countUnsealedPairs(long pipelineId, int round) {
        return count("pipelineId = ?1 and round = ?2 and datasetVersionId is null and dropReason is null",
                pipelineId, round);
    }

    /** Pairs and drops of the round that no version holds yet, in sample order, after {@code afterId}. */
    public List<PreferencePair> unsealedAfter(long pipelineId, int round, long afterId, int limit) {
        return find("pipelineId = ?1 and round = ?2 and datasetVersionId is null and id > ?3",
                Sort.by("id"), pipelineId, round, afterId).page(Page.ofSize(limit)).list();
    }

    /** Rounds of the pipeline with pairs or drops that no version holds yet, oldest first. */
    public List<Integer> roundsWithUnsealed(long pipelineId) {
        return getEntityManager().createQuery("select distinct p.round from PreferencePair p where p.pipelineId = ?1"
                        + " and p.datasetVersionId is null order by p.round", Integer.class)
                .setParameter(1, pipelineId)
                .getResultList();
    }

    public void assignToVersion(List<Long> ids, long datasetVersionId) {
        if (!ids.isEmpty()) {
            update("datasetVersionId = ?1 where id in ?2", datasetVersionId, ids);
        }
    }

    /** Pairs and drops of the pipeline: {@code pairs} and {@code dropped.<reason>}. */
    public Map<String, Long> outcomeCounts(long pipelineId) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("pairs", 0L);
        getEntityManager().createQuery("select p.dropReason, count(p) from PreferencePair p where p.pipelineId = ?1"
                        + " group by p.dropReason order by p.dropReason", Object[].class)
                .setParameter(1, pipelineId)
                .getResultList()
                .forEach(row -> counts.put(row[0] == null ? "pairs" : "dropped." + row[0], (Long) row[1]));
        return counts;
    }
}
