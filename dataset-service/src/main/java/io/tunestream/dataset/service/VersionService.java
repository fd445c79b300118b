package io.tunestream.dataset.service;

import io.tunestream.dataset.Dataset;
import io.tunestream.dataset.DatasetVersion;
import io.tunestream.dataset.repository.DatasetRepository;
import io.tunestream.dataset.repository.DatasetVersionRepository;
import io.tunestream.platform.problem.ResourceNotFoundException;
import io.tunestream.platform.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.InputStream;
import java.util.List;

/**
 * What the API reads of sealed versions: their rows, their manifests and their files in object storage. Sealing them is
 * {@link SealingService}'s. Each read is a short transaction of its own, ended before a file is streamed.
 */
@ApplicationScoped
public class VersionService {

    private final DatasetRepository datasets;
    private final DatasetVersionRepository versions;
    private final ObjectStore objectStore;

    public VersionService(DatasetRepository datasets, DatasetVersionRepository versions, ObjectStore objectStore) {
        this.datasets = datasets;
        this.versions = versions;
        this.objectStore = objectStore;
    }

    /** A dataset with its sealed versions, oldest first. */
    public record Versions(Dataset dataset, List<DatasetVersion> versions) {}

    /** @throws ResourceNotFoundException when no dataset has this name */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Versions versions(String datasetName) {
        Dataset dataset = dataset(datasetName);
        return new Versions(dataset, versions.byDataset(dataset.id));
    }

    /**
     * The version's manifest as stored with it (the same bytes as its {@code manifest.json}).
     *
     * @throws ResourceNotFoundException when the dataset or the version does not exist
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public String manifest(String datasetName, int number) {
        return version(dataset(datasetName), number).manifest;
    }

    /** @throws ResourceNotFoundException when the dataset or the version does not exist */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void requireVersion(String datasetName, int number) {
        version(dataset(datasetName), number);
    }

    /**
     * One file of a sealed version ({@code train.jsonl}, {@code eval.jsonl}, {@code manifest.json}) that
     * {@link #requireVersion} found, streamed from object storage; the caller closes it.
     */
    public InputStream openFile(String datasetName, int number, String file) {
        return objectStore.open("datasets/" + datasetName + "/versions/" + number + "/" + file);
    }

    private Dataset dataset(String name) {
        return datasets.findByName(name)
                .orElseThrow(() -> new ResourceNotFoundException("no dataset named '" + name + "'"));
    }

    private DatasetVersion version(Dataset dataset, int number) {
        return versions.find(dataset.id, number)
                .orElseThrow(
                        () -> new ResourceNotFoundException("dataset '" + dataset.name + "' has no version " + number));
    }
}
