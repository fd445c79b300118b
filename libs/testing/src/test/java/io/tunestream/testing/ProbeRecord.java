package io.tunestream.testing;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** The entity of the PostgreSQL probe: its table comes from the Flyway migration, not from Hibernate. */
@Entity
@Table(name = "probe_record")
public class ProbeRecord extends PanacheEntity {

    @Column(nullable = false, unique = true)
    public String label;
}
