package io.tunestream.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
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

    /** The highest version number handed out; numbers are never reused, even after a failed registration. */
    @Column(name = "last_version", nullable = false)
    public int lastVersion;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Hands out the next version number; call with the model's row locked. */
    public int allocateVersion() {
        lastVersion++;
        return lastVersion;
    }
}
