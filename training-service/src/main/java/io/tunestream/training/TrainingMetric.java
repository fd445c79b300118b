package io.tunestream.training;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** What one optimizer step of a job reported: its loss, learning rate and the objective's metrics. */
@Entity
@Table(name = "training_metric")
public class TrainingMetric extends PanacheEntity {

    @Column(name = "job_id", nullable = false)
    public String jobId;

    public long step;

    public double loss;

    @Column(name = "learning_rate")
    public double learningRate;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Double> metrics;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;
}
