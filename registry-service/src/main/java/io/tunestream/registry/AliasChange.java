package io.tunestream.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import io.tunestream.events.ModelVersionAction;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/** One move of an alias, kept so that a roll-back knows which version held {@code production} before. */
@Entity
@Table(name = "alias_change")
public class AliasChange extends PanacheEntity {

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "model_id")
    public RegisteredModel model;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Alias alias;

    @Column(nullable = false)
    public int version;

    @Column(name = "previous_version")
    public Integer previousVersion;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ModelVersionAction action;

    public String reason;

    @Column(name = "changed_at", nullable = false)
    public Instant changedAt;
}
