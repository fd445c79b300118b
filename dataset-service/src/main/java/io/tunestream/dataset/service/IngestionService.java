package io.tunestream.dataset.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.tunestream.dataset.Dataset;
import io.tunestream.dataset.DatasetKind;
import io.tunestream.dataset.Upload;
import io.tunestream.dataset.config.DatasetConfig;
import io.tunestream.dataset.repository.DatasetRepository;
import io.tunestream.dataset.repository.SampleRepository;
import io.tunestream.dataset.repository.UploadRepository;
import io.tunestream.events.SampleEvent;
import io.tunestream.llm.data.ValidationReport;
import io.tunestream.platform.problem.ResourceNotFoundException;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.platform.storage.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Brings samples in: uploads (spooled to a file, validated whole with the engine's reader, kept as received in
 * object storage, then stored) and {@code SampleEvent}s from the bus. Samples are deduplicated by content hash.
 */
@ApplicationScoped
public class IngestionService {

    private static final Logger LOG = Logger.getLogger(IngestionService.class);

    private final DatasetRepository datasets;
    private final SampleRepository samples;
    private final UploadRepository uploads;
    private final ObjectStore objectStore;
    private final DatasetConfig config;
    private final Event<SamplesAdded> samplesAdded;

    public IngestionService(
            DatasetRepository datasets,
            SampleRepository samples,
            UploadRepository uploads,
            ObjectStore objectStore,
            DatasetConfig config,
            Event<SamplesAdded> samplesAdded) {
        this.datasets = datasets;
        this.samples = samples;
        this.uploads = uploads;
        this.objectStore = objectStore;
        this.config = config;
        this.samplesAdded = samplesAdded;
    }

    /** What an accepted upload did. */
    public record UploadResult(
            String uploadId,
            String dataset,
            String objectKey,
            String sha256,
            long sizeBytes,
            String format,
            long records,
            long added,
            long duplicates) {}

    /**
     * Ingests an upload atomically: every record is validated before anything is stored, and the samples of a valid
     * upload are stored in one transaction.
     *
     * @param sourceName the name errors give the upload (its file name, if the client sent one)
     * @throws InvalidUploadException naming every bad record (up to {@code upload.max-errors}) and field
     */
    public UploadResult upload(String datasetName, InputStream body, String sourceName) {
        Dataset dataset = QuarkusTransaction.requiringNew()
                .call(() -> datasets.findByName(datasetName)
                        .orElseThrow(() -> new ResourceNotFoundException("no dataset named '" + datasetName + "'")));
        Path spool = null;
        try {
            spool = spoolDirectory().map(directory -> createTempFile(directory)).orElseGet(() -> createTempFile(null));
            MessageDigest digest = Sha256.digest();
            long size;
            try (InputStream in = new DigestInputStream(body, digest);
                    OutputStream out = Files.newOutputStream(spool)) {
                size = in.transferTo(out);
            }
            String sha256 = Sha256.hex(digest);
            ValidationReport report = RecordFile.validate(
                    spool, sourceName, dataset.kind, config.upload().maxErrors());
            if (report.recordCount() == 0) {
                throw new InvalidUploadException(
                        "the upload holds no records; send JSONL (one record per line) or a" + " JSON array of records",
                        null);
            }
            if (!report.isValid()) {
                throw new InvalidUploadException(
                        report.invalidCount() + " of " + report.recordCount() + " records of "
                                + sourceName + " are invalid"
                                + (report.complete() ? "" : " (reading stopped at malformed JSON)")
                                + "; nothing was stored",
                        report);
            }
            if (!dataset.kind.accepts(report.format())) {
                throw new InvalidUploadException(
                        RecordFile.wrongFormat(dataset.kind, report.format()) + "; nothing was stored", null);
            }
            if (dataset.kind == DatasetKind.EVAL) {
                InvalidUploadException problems = RecordFile.evalProblems(
                        spool, sourceName, config.upload().maxErrors());
                if (problems != null) {
                    throw problems;
                }
            }
            String uploadId = UUID.randomUUID().toString();
            String key = "datasets/" + dataset.name + "/uploads/" + uploadId + ".jsonl";
            objectStore.put(key, spool, "application/x-ndjson");
            try {
                return store(dataset, spool, sourceName, uploadId, key, sha256, size, report);
            } catch (RuntimeException e) {
                // No sample names the raw upload, so it must not stay behind as if it had been accepted.
                objectStore.remove(key);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool the upload to " + datasetName + ": " + e.getMessage(), e);
        } finally {
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException e) {
                    LOG.warnf("cannot delete the spooled upload %s: %s", spool, e.getMessage());
                }
            }
        }
    }

    private UploadResult store(
            Dataset dataset,
            Path spool,
            String sourceName,
            String uploadId,
            String key,
            String sha256,
            long size,
            ValidationReport report) {
        // A large upload is one long transaction; the default timeout is for requests, not for millions of rows.
        return QuarkusTransaction.requiringNew().timeout(3600).call(() -> {
            int batchSize = config.upload().insertBatchSize();
            List<SampleContent> batch = new ArrayList<>(batchSize);
            long[] added = {0};
            String source = "upload:" + uploadId;
            long records = RecordFile.read(spool, sourceName, dataset.kind, sample -> {
                batch.add(sample);
                if (batch.size() == batchSize) {
                    added[0] += samples.insertIfAbsent(dataset.id, batch, source);
                    batch.clear();
                }
            });
            added[0] += samples.insertIfAbsent(dataset.id, batch, source);
            Upload upload = new Upload();
            upload.uploadId = uploadId;
            upload.datasetId = dataset.id;
            upload.objectKey = key;
            upload.sha256 = sha256;
            upload.sizeBytes = size;
            upload.recordCount = records;
            upload.added = added[0];
            upload.duplicates = records - added[0];
            upload.createdAt = Instant.now();
            uploads.persist(upload);
            if (added[0] > 0) {
                samplesAdded.fire(new SamplesAdded(dataset.id));
            }
            return new UploadResult(
                    uploadId,
                    dataset.name,
                    key,
                    sha256,
                    size,
                    report.format().label(),
                    records,
                    added[0],
                    records - added[0]);
        });
    }

    /**
     * Stores the sample of an event unless the dataset holds it already.
     *
     * @return whether it was new
     * @throws InvalidSampleException when the dataset does not exist or the record is not valid for it
     */
    @Transactional
    public boolean ingest(SampleEvent event) {
        Dataset dataset = datasets.findByName(event.dataset())
                .orElseThrow(() -> new InvalidSampleException("no dataset named '" + event.dataset() + "'"));
        SampleContent sample = RecordFile.parseOne(event.record(), "sample event " + event.eventId(), dataset.kind);
        String source = "event:" + (event.sourceId() == null ? event.eventId() : event.sourceId());
        boolean added = samples.insertIfAbsent(dataset.id, List.of(sample), source) == 1;
        if (added) {
            samplesAdded.fire(new SamplesAdded(dataset.id));
        }
        return added;
    }

    private Optional<Path> spoolDirectory() {
        return config.upload().spoolDirectory().map(Path::of);
    }

    private static Path createTempFile(Path directory) {
        try {
            return directory == null
                    ? Files.createTempFile("upload-", ".spool")
                    : Files.createTempFile(directory, "upload-", ".spool");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a spool file for an upload: " + e.getMessage(), e);
        }
    }
}
