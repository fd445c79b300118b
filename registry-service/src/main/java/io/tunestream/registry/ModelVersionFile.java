package io.tunestream.registry;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** One file of a version's checkpoint, by its path under the version's prefix, with the sha256 readers verify. */
@Entity
@Table(name = "model_version_file")
public class ModelVersionFile extends PanacheEntity {

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "version_id")
    public ModelVersion modelVersion;

    /** Relative to the version's prefix, e.g. {@code model.safetensors}. */
    @Column(nullable = false)
    public String path;

    @Column(nullable = false, length = 64)
    public String sha256;

    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;
}
