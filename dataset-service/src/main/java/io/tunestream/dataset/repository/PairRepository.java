package io.tunestream.dataset.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.tunestream.dataset.PreferencePair;
import io.tunestream.events.EventJson;
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

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    /**
     * A generation as stored: the first one received for its prompt hash, model and version.
     *
     * @param completions every answer, in order; a row written before several answers per prompt has its one
     *     answer {@code text}
     */
    public record StoredGeneration(String text, List<String> completions, String finishReason, String error) {}

    /**
     * Records a generation under its natural key (prompt hash, model, version).
     *
     * @return false when one was already recorded: this one is a redelivery or a duplicate and must change nothing
     */
    public boolean recordGeneration(
            String promptHash,
            String model,
            int modelVersion,
            String text,
            List<String> completions,
            String finishReason,
            String error,
            String samplingJson) {
        int inserted = getEntityManager()
                .createNativeQuery("insert into generation (id, prompt_hash, model,"
                        + " model_version, text, finish_reason, error, sampling, received_at, completions)"
                        + " values (nextval('generation_seq'), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                        + " on conflict (prompt_hash, model, model_version) do nothing")
                .setParameter(1, promptHash)
                .setParameter(2, model)
                .setParameter(3, modelVersion)
                .setParameter(4, text)
                .setParameter(5, finishReason)
                .setParameter(6, error)
                .setParameter(7, samplingJson)
                .setParameter(8, Timestamp.from(Instant.now()))
                .setParameter(9, writeCompletions(completions))
                .executeUpdate();
        return inserted == 1;
    }

    /** The generation already received for a prompt hash, model and version, if any. */
    public Optional<StoredGeneration> generation(String promptHash, String model, int modelVersion) {
        List<?> rows = getEntityManager()
                .createNativeQuery("select text, finish_reason, error, completions from generation"
                        + " where prompt_hash = ?1 and model = ?2 and model_version = ?3")
                .setParameter(1, promptHash)
                .setParameter(2, model)
                .setParameter(3, modelVersion)
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = (Object[]) rows.get(0);
        String text = (String) row[0];
        List<String> completions = row[3] == null ? List.of(text) : readCompletions((String) row[3]);
        return Optional.of(new StoredGeneration(text, completions, (String) row[1], (String) row[2]));
    }

    /**
     * Stores a pair or a drop for one answer of a sample unless the pipeline already has one for that sample, model
     * version and answer index.
     *
     * @param dropReason null for a pair
     * @return whether it was stored
     */
    public boolean insertIfAbsent(
            long pipelineId,
            long sampleId,
            int round,
            int modelVersion,
            int answerIndex,
            String promptHash,
            String chosen,
            String rejected,
            String dropReason) {
        int inserted = getEntityManager()
                .createNativeQuery("insert into preference_pair (id, pipeline_id, sample_id,"
                        + " round, model_version, prompt_hash, chosen, rejected, drop_reason, created_at, answer_index)"
                        + " values (nextval('preference_pair_seq'), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                        + " on conflict (pipeline_id, sample_id, model_version, answer_index) do nothing")
                .setParameter(1, pipelineId)
                .setParameter(2, sampleId)
                .setParameter(3, round)
                .setParameter(4, modelVersion)
                .setParameter(5, promptHash)
                .setParameter(6, chosen)
                .setParameter(7, rejected)
                .setParameter(8, dropReason)
                .setParameter(9, Timestamp.from(Instant.now()))
                .setParameter(10, answerIndex)
                .executeUpdate();
        return inserted == 1;
    }

    /** Pairs (not drops) of the round that no version holds and that are not superseded. */
    public long countUnsealedPairs(long pipelineId, int round) {
        return count(
                "pipelineId = ?1 and round = ?2 and datasetVersionId is null and supersededAt is null"
                        + " and dropReason is null",
                pipelineId,
                round);
    }

    /** Pairs (not drops) of any round that no version holds and that are not superseded: waiting for a seal. */
    public long countWaitingPairs(long pipelineId) {
        return count(
                "pipelineId = ?1 and datasetVersionId is null and supersededAt is null and dropReason is null",
                pipelineId);
    }

    /** Pairs and drops of the round that no version holds and that are not superseded. */
    public long countUnsealedOutcomes(long pipelineId, int round) {
        return count(
                "pipelineId = ?1 and round = ?2 and datasetVersionId is null and supersededAt is null",
                pipelineId,
                round);
    }

    /** Every pair (not drop) the round made so far, sealed or not. */
    public long countRoundPairs(long pipelineId, int round) {
        return count("pipelineId = ?1 and round = ?2 and dropReason is null", pipelineId, round);
    }

    /**
     * The content hashes of the samples of the round's waiting pairs (one per pair), which decide each pair's side
     * of the train/eval split.
     */
    public List<String> unsealedPairContentHashes(long pipelineId, int round) {
        return getEntityManager()
                .createQuery(
                        "select s.contentHash from PreferencePair p, Sample s"
                                + " where s.id = p.sampleId and p.pipelineId = ?1 and p.round = ?2 and p.datasetVersionId is null"
                                + " and p.supersededAt is null and p.dropReason is null",
                        String.class)
                .setParameter(1, pipelineId)
                .setParameter(2, round)
                .getResultList();
    }

    /** Waiting pairs and drops of the round, in id order, after {@code afterId}. */
    public List<PreferencePair> unsealedAfter(long pipelineId, int round, long afterId, int limit) {
        return find(
                        "pipelineId = ?1 and round = ?2 and datasetVersionId is null and supersededAt is null and id > ?3",
                        Sort.by("id"),
                        pipelineId,
                        round,
                        afterId)
                .page(Page.ofSize(limit))
                .list();
    }

    /** Rounds of the pipeline with pairs or drops that no version holds and that are not superseded, oldest first. */
    public List<Integer> roundsWithUnsealed(long pipelineId) {
        return getEntityManager()
                .createQuery(
                        "select distinct p.round from PreferencePair p where p.pipelineId = ?1"
                                + " and p.datasetVersionId is null and p.supersededAt is null order by p.round",
                        Integer.class)
                .setParameter(1, pipelineId)
                .getResultList();
    }

    public void assignToVersion(List<Long> ids, long datasetVersionId) {
        if (!ids.isEmpty()) {
            update("datasetVersionId = ?1 where id in ?2", datasetVersionId, ids);
        }
    }

    /**
     * Keeps the round's waiting pairs and drops out of every version.
     *
     * @return the pairs (not drops) superseded
     */
    public long supersede(long pipelineId, int round, Instant at) {
        long pairs = countUnsealedPairs(pipelineId, round);
        update(
                "supersededAt = ?1 where pipelineId = ?2 and round = ?3 and datasetVersionId is null"
                        + " and supersededAt is null",
                at,
                pipelineId,
                round);
        return pairs;
    }

    /**
     * Counts the pairs superseded since the pipeline's previous version in the version being sealed, once.
     *
     * @return how many
     */
    public long reportSuperseded(long pipelineId, long datasetVersionId) {
        long pairs = count(
                "pipelineId = ?1 and supersededAt is not null and supersededInVersionId is null"
                        + " and dropReason is null",
                pipelineId);
        update(
                "supersededInVersionId = ?1 where pipelineId = ?2 and supersededAt is not null"
                        + " and supersededInVersionId is null",
                datasetVersionId,
                pipelineId);
        return pairs;
    }

    /** Pairs superseded since the pipeline's previous version, not yet counted in a manifest. */
    public long countUnreportedSuperseded(long pipelineId) {
        return count(
                "pipelineId = ?1 and supersededAt is not null and supersededInVersionId is null"
                        + " and dropReason is null",
                pipelineId);
    }

    /**
     * Pairs and drops of the pipeline, disjoint: {@code pairs} (usable, sealed or waiting), {@code superseded} (pairs
     * kept out of training as leftovers of a finished round) and {@code dropped.<reason>}.
     */
    public Map<String, Long> outcomeCounts(long pipelineId) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("pairs", 0L);
        long superseded = count("pipelineId = ?1 and supersededAt is not null and dropReason is null", pipelineId);
        counts.put("superseded", superseded);
        getEntityManager()
                .createQuery(
                        "select p.dropReason, count(p) from PreferencePair p where p.pipelineId = ?1"
                                + " group by p.dropReason order by p.dropReason",
                        Object[].class)
                .setParameter(1, pipelineId)
                .getResultList()
                .forEach(row -> {
                    if (row[0] == null) {
                        counts.put("pairs", (Long) row[1] - superseded);
                    } else {
                        counts.put("dropped." + row[0], (Long) row[1]);
                    }
                });
        return counts;
    }

    private static String writeCompletions(List<String> completions) {
        try {
            return EventJson.mapper().writeValueAsString(completions);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings always serialises", e);
        }
    }

    private static List<String> readCompletions(String json) {
        try {
            return EventJson.mapper().readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored completions are not a JSON array of strings: " + e.getMessage(), e);
        }
    }
}
