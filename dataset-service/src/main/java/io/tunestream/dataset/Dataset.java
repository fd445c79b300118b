package io.tunestream.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "dataset")
public class Dataset extends PanacheEntity {

    @Column(nullable = false, unique = true)
    public String name;

    /** Stored as its label ({@code sft}, ...), which the table's check constraint lists. */
    @Column(nullable = false)
    @Convert(converter = DatasetKindConverter.class)
    public DatasetKind kind;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
