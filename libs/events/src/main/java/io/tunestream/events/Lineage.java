package io.tunestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Where an artifact came from. Every field is optional because each stage knows a part: a dataset version knows its
 * dataset, pipeline and the model version that generated its rejected answers; a trained model adds the dataset
 * version, the job and the parent model version it started from.
 *
 * @param dataset the dataset name
 * @param datasetVersion the sealed dataset version the artifact was built from
 * @param pipeline the dataset pipeline that produced the data
 * @param sourceModel the model whose generations are in the data (the rejected side of DPO pairs)
 * @param sourceModelVersion the version of {@code sourceModel} that generated them
 * @param jobId the training job
 * @param parentModelVersion the model version training started from (and the DPO reference)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Lineage(
        String dataset,
        Integer datasetVersion,
        String pipeline,
        String sourceModel,
        Integer sourceModelVersion,
        String jobId,
        Integer parentModelVersion) {

    public static Lineage ofDatasetVersion(
            String dataset, int datasetVersion, String pipeline, String sourceModel, Integer sourceModelVersion) {
        return new Lineage(dataset, datasetVersion, pipeline, sourceModel, sourceModelVersion, null, null);
    }

    public Lineage withTraining(String jobId, Integer parentModelVersion) {
        return new Lineage(
                dataset, datasetVersion, pipeline, sourceModel, sourceModelVersion, jobId, parentModelVersion);
    }
}
