package io.tunestream.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A sample that an sft or pretrain pipeline has sealed into one of its versions (at most one per pipeline). */
@Entity
@Table(name = "sealed_sample")
public class SealedSample extends PanacheEntity {

    @Column(name = "pipeline_id", nullable = false)
    public Long pipelineId;

    @Column(name = "sample_id", nullable = false)
    public Long sampleId;

    @Column(name = "dataset_version_id", nullable = false)
    public Long datasetVersionId;
}
