package io.tunestream.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import io.tunestream.events.GateDecision.EvaluationSet;
import io.tunestream.registry.service.GatePolicy;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.time.Instant;

/** A model in the registry: a name, its promotion policy and the numbering of its versions. */
@Entity
@Table(name = "registered_model")
public class RegisteredModel extends PanacheEntity {

    @Column(nullable = false, unique = true)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(name = "promotion_mode", nullable = false)
    public PromotionMode promotionMode;

    /** How much better than its parent a candidate must be for an automatic promotion. */
    @Column(name = "promotion_margin", nullable = false)
    public double promotionMargin;

    /**
     * The evaluation set the automatic policy measures candidates on: a sealed version of a dataset of kind
     * {@code eval}; null (with {@link #evaluationVersion}) when the policy falls back to the training job's eval metric.
     */
    @Column(name = "evaluation_dataset")
    public String evaluationDataset;

    @Column(name = "evaluation_version")
    public Integer evaluationVersion;

    /** The significance level of the one-sided sign test on the evaluation set's discordant items. */
    @Column(name = "gate_alpha", nullable = false)
    public double gateAlpha;

    /** The largest drop of one task family's accuracy on the evaluation set that still promotes (0.02 = 2 points). */
    @Column(name = "family_tolerance", nullable = false)
    public double familyTolerance;

    /** The highest version number handed out; numbers are never reused, even after a failed registration. */
    @Column(name = "last_version", nullable = false)
    public int lastVersion;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The figures of the automatic policy. */
    public GatePolicy gatePolicy() {
        return new GatePolicy(
                promotionMargin,
                evaluationDataset == null ? null : new EvaluationSet(evaluationDataset, evaluationVersion),
                gateAlpha,
                familyTolerance);
    }

    /** Hands out the next version number; call with the model's row locked. */
    public int allocateVersion() {
        lastVersion++;
        return lastVersion;
    }
}
