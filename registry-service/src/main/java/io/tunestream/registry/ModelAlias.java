package io.tunestream.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/** An alias of a model and the version it points at; one row per model and alias. */
@Entity
@Table(name = "model_alias")
public class ModelAlias extends PanacheEntity {

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "model_id")
    public RegisteredModel model;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Alias alias;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "version_id")
    public ModelVersion target;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
