package io.tunestream.training;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A model version announced on {@code tunestream.model-versions}: where its checkpoint is, with each file's sha256. */
@Entity
@Table(name = "known_model_version")
public class KnownModelVersion extends PanacheEntityBase {

    /** {@code {model}/{version}}. */
    @Id
    public String id;

    @Column(nullable = false)
    public String model;

    public int version;

    /** The checkpoint as an {@code ArtifactRef}. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> artifact;

    /** Whether this version holds {@code production} as of the last event about the model. */
    public boolean production;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static String key(String model, int version) {
        return model + "/" + version;
    }
}
