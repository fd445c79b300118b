package io.tunestream.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

/** The version of a model that holds {@code production}, as last announced on {@code tunestream.model-versions}. */
@Entity
@Table(name = "model_production")
public class ModelProduction extends PanacheEntity {

    @Column(nullable = false, unique = true)
    public String model;

    @Column(nullable = false)
    public int version;

    /** The version's files ({@code ArtifactRef} JSON): the prompt template comes from its tokenizer files. */
    @Column(nullable = false)
    public String artifact;

    @Column(name = "changed_at", nullable = false)
    public Instant changedAt;
}
