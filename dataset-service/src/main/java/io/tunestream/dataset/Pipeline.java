package io.tunestream.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import io.tunestream.events.Recipe;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * Binds a dataset to a model and a recipe. For {@code dpo}, {@link #currentRound} counts the production versions the
 * pipeline has prompted (0 until the model has one) and {@link #currentModelVersion} is the one answering now.
 */
@Entity
@Table(name = "pipeline")
public class Pipeline extends PanacheEntity {

    @Column(nullable = false, unique = true)
    public String name;

    @Column(name = "dataset_id", nullable = false)
    public Long datasetId;

    @Column(nullable = false)
    public String model;

    @Column(nullable = false)
    @Convert(converter = RecipeConverter.class)
    public Recipe recipe;

    /** {@code SamplingParameters} JSON, sent with every prompt: {@code n} answers are sampled per prompt. */
    @Column(nullable = false)
    public String sampling;

    /** Whether each prompt also asks for one greedy answer, first, besides the {@code sampling.n} sampled ones. */
    @Column(name = "include_greedy", nullable = false)
    public boolean includeGreedy;

    /**
     * The training recipe (a JSON object of the training-service's job hyperparameters), passed as-is on every
     * version's event; null: the trainer's defaults.
     */
    public String training;

    /**
     * Leftovers of a finished round (its model is no longer production) with fewer pairs than this are not sealed
     * but superseded: kept out of training and counted.
     */
    @Column(name = "min_pairs", nullable = false)
    public int minPairs;

    /**
     * Seal when this many new outcomes (pairs and drops of the current round, dpo) or samples (sft, pretrain) are
     * waiting; null: no count trigger. For dpo it also bounds a round's versions: ceil(pairs / sealEvery) + 1.
     */
    @Column(name = "seal_every")
    public Integer sealEvery;

    /** Seal what is waiting once this long has passed since the last seal (or the round's start); null: none. */
    @Column(name = "seal_window_seconds")
    public Long sealWindowSeconds;

    /** The most prompts one round publishes; null: every sample. */
    @Column(name = "round_cap")
    public Integer roundCap;

    @Column(name = "current_round", nullable = false)
    public int currentRound;

    @Column(name = "current_model_version")
    public Integer currentModelVersion;

    @Column(name = "round_started_at")
    public Instant roundStartedAt;

    @Column(name = "last_sealed_at")
    public Instant lastSealedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
