package io.tunestream.dataset.service;

import io.tunestream.llm.data.PositionKind;
import io.tunestream.llm.data.ValidationReport;
import io.tunestream.platform.problem.InvalidRequestException;
import java.util.List;

/** An upload that was rejected whole; nothing of it was stored. Answered with 400 and its located errors. */
public class InvalidUploadException extends InvalidRequestException {

    /**
     * A problem the service found in a record the engine's reader accepted (e.g. an evaluation record's
     * {@code family}).
     *
     * @param position the 1-based line (JSONL) or 0-based index (JSON array)
     */
    public record RecordProblem(
            long position, PositionKind positionKind, String field, String problem, String message) {}

    private final ValidationReport report;
    private final String format;
    private final long records;
    private final long invalid;
    private final List<RecordProblem> problems;

    /** @param report the engine's report; null when the problem is the upload as a whole (e.g. empty) */
    public InvalidUploadException(String message, ValidationReport report) {
        super(message);
        this.report = report;
        this.format = null;
        this.records = 0;
        this.invalid = 0;
        this.problems = List.of();
    }

    /**
     * Records the engine accepted but the dataset does not.
     *
     * @param problems the first problems in file order; {@code invalid} counts all
     */
    public InvalidUploadException(
            String message, String format, long records, long invalid, List<RecordProblem> problems) {
        super(message);
        this.report = null;
        this.format = format;
        this.records = records;
        this.invalid = invalid;
        this.problems = List.copyOf(problems);
    }

    public ValidationReport report() {
        return report;
    }

    public String format() {
        return format;
    }

    public long records() {
        return records;
    }

    public long invalid() {
        return invalid;
    }

    /** Empty unless the records were refused by the service's own checks. */
    public List<RecordProblem> problems() {
        return problems;
    }
}
