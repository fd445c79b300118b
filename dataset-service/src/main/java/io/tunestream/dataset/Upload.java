package io.tunestream.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;

/** An accepted upload; its bytes are kept as received under {@link #objectKey}. */
@Entity
@Table(name = "upload")
public class Upload extends PanacheEntity {

    @Column(name = "upload_id", nullable = false, unique = true)
    public String uploadId;

    @Column(name = "dataset_id", nullable = false)
    public Long datasetId;

    @Column(name = "object_key", nullable = false)
    public String objectKey;

    @Column(nullable = false)
    public String sha256;

    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;

    @Column(name = "record_count", nullable = false)
    public long recordCount;

    @Column(nullable = false)
    public long added;

    @Column(nullable = false)
    public long duplicates;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
