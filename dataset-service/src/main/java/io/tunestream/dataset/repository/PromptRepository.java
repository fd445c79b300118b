package io.tunestream.dataset.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.tunestream.dataset.Prompt;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class PromptRepository implements PanacheRepository<Prompt> {

    public long countInRound(long pipelineId, int round) {
        return count("pipelineId = ?1 and round = ?2", pipelineId, round);
    }

    /** Prompts of the round that no answer resolved yet (no pair or drop for the sample and model version). */
    public long countUnresolvedInRound(long pipelineId, int round) {
        return count(
                "from Prompt q where q.pipelineId = ?1 and q.round = ?2 and not exists (select 1 from"
                        + " PreferencePair p where p.pipelineId = q.pipelineId and p.sampleId = q.sampleId"
                        + " and p.modelVersion = q.modelVersion)",
                pipelineId,
                round);
    }

    public long countByPipeline(long pipelineId) {
        return count("pipelineId", pipelineId);
    }

    /** Prompts the broker acknowledged (or that needed no sending: their generation was already here). */
    public long countPublished(long pipelineId) {
        return count("pipelineId = ?1 and publishedAt is not null", pipelineId);
    }

    /**
     * Prompts of the pipeline for the model version that the broker has not acknowledged yet, oldest first (those of
     * an earlier version are left: that version no longer answers).
     */
    public List<Prompt> unpublished(long pipelineId, int modelVersion, int limit) {
        return find(
                        "pipelineId = ?1 and modelVersion = ?2 and publishedAt is null",
                        Sort.by("id"),
                        pipelineId,
                        modelVersion)
                .page(Page.ofSize(limit))
                .list();
    }

    /**
     * Published prompts of the pipeline's model version that no generation answered (no pair or drop for the
     * sample), published before {@code publishedBefore}.
     */
    public List<Prompt> unanswered(long pipelineId, int modelVersion, Instant publishedBefore) {
        return list(
                "from Prompt q where q.pipelineId = ?1 and q.modelVersion = ?2 and q.publishedAt is not null"
                        + " and q.publishedAt < ?3 and not exists (select 1 from PreferencePair p"
                        + " where p.pipelineId = q.pipelineId and p.sampleId = q.sampleId"
                        + " and p.modelVersion = q.modelVersion) order by q.id",
                pipelineId,
                modelVersion,
                publishedBefore);
    }

    /** Every prompt, of any pipeline, that a generation of this prompt hash, model and version answers. */
    public List<Prompt> answeredBy(String promptHash, String model, int modelVersion) {
        return list(
                "promptHash = ?1 and model = ?2 and modelVersion = ?3", Sort.by("id"), promptHash, model, modelVersion);
    }

    public void markPublished(List<Long> ids, Instant at) {
        if (!ids.isEmpty()) {
            update("publishedAt = ?1, publishCount = publishCount + 1 where id in ?2", at, ids);
        }
    }
}
