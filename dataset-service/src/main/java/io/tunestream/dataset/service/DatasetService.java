package io.tunestream.dataset.service;

import io.quarkus.panache.common.Sort;
import io.tunestream.dataset.Dataset;
import io.tunestream.dataset.DatasetKind;
import io.tunestream.dataset.Sample;
import io.tunestream.dataset.repository.DatasetRepository;
import io.tunestream.dataset.repository.DatasetVersionRepository;
import io.tunestream.dataset.repository.PairRepository;
import io.tunestream.dataset.repository.PipelineRepository;
import io.tunestream.dataset.repository.SampleRepository;
import io.tunestream.dataset.repository.UploadRepository;
import io.tunestream.platform.problem.ConflictException;
import io.tunestream.platform.problem.InvalidRequestException;
import io.tunestream.platform.problem.ResourceNotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@ApplicationScoped
public class DatasetService {

    private final DatasetRepository datasets;
    private final SampleRepository samples;
    private final UploadRepository uploads;
    private final PipelineRepository pipelines;
    private final PairRepository pairs;
    private final DatasetVersionRepository versions;

    public DatasetService(
            DatasetRepository datasets,
            SampleRepository samples,
            UploadRepository uploads,
            PipelineRepository pipelines,
            PairRepository pairs,
            DatasetVersionRepository versions) {
        this.datasets = datasets;
        this.samples = samples;
        this.uploads = uploads;
        this.pipelines = pipelines;
        this.pairs = pairs;
        this.versions = versions;
    }

    /** What {@code GET /datasets/{name}/statistics} reports. */
    public record Statistics(
            String dataset,
            String kind,
            long samples,
            Map<String, Long> samplesByFormat,
            long dpoPromptSamples,
            long uploads,
            Map<String, Map<String, Long>> pipelines,
            int versions) {}

    @Transactional
    public Dataset create(String name, String kind) {
        Names.require(name, "name");
        if (kind == null) {
            throw new InvalidRequestException("kind is required: sft, preference, pretrain or eval");
        }
        DatasetKind datasetKind;
        try {
            datasetKind = DatasetKind.fromLabel(kind);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        if (datasets.findByName(name).isPresent()) {
            throw new ConflictException("dataset '" + name + "' exists");
        }
        Dataset dataset = new Dataset();
        dataset.name = name;
        dataset.kind = datasetKind;
        dataset.createdAt = Instant.now();
        datasets.persist(dataset);
        return dataset;
    }

    @Transactional
    public Dataset get(String name) {
        return datasets.findByName(name)
                .orElseThrow(() -> new ResourceNotFoundException("no dataset named '" + name + "'"));
    }

    /** One page of a dataset's samples, oldest first, and how many it holds. */
    public record Samples(Dataset dataset, List<Sample> page, long total) {}

    /** @throws ResourceNotFoundException when no dataset has this name */
    @Transactional
    public Samples samples(String name, int page, int size) {
        Dataset dataset = get(name);
        return new Samples(dataset, samples.page(dataset.id, page, size), samples.countByDataset(dataset.id));
    }

    @Transactional
    public List<Dataset> list() {
        return datasets.listAll(Sort.by("name"));
    }

    @Transactional
    public Statistics statistics(String name) {
        Dataset dataset = get(name);
        Map<String, Map<String, Long>> byPipeline = new LinkedHashMap<>();
        pipelines
                .byDataset(dataset.id)
                .forEach(pipeline -> byPipeline.put(pipeline.name, pairs.outcomeCounts(pipeline.id)));
        return new Statistics(
                dataset.name,
                dataset.kind.label(),
                samples.countByDataset(dataset.id),
                samples.countByFormat(dataset.id),
                samples.countDpoPrompts(dataset.id),
                uploads.countByDataset(dataset.id),
                byPipeline,
                versions.byDataset(dataset.id).size());
    }
}
