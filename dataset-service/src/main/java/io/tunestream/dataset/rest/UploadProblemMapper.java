package io.tunestream.dataset.rest;

import io.tunestream.dataset.service.InvalidUploadException;
import io.tunestream.llm.data.DataFormatException;
import io.tunestream.llm.data.PositionKind;
import io.tunestream.llm.data.ValidationReport;
import io.tunestream.platform.problem.Problem;
import io.tunestream.platform.problem.ProblemResponses;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A rejected upload as the platform's invalid-request problem with the located errors a client can act on. Every other
 * error of this service is one of the platform's problems ({@code io.tunestream.platform.problem.ProblemMappers}).
 */
public class UploadProblemMapper {

    /** One bad record of an upload: its 1-based line (JSONL) or 0-based index (JSON array), the field, the problem. */
    public record RecordError(Long line, Long index, String field, String problem, String message) {
        static RecordError of(DataFormatException error) {
            boolean line = error.positionKind() == PositionKind.LINE;
            return new RecordError(
                    line ? error.position() : null,
                    line ? null : error.position(),
                    error.field(),
                    error.problem(),
                    error.getMessage());
        }

        static RecordError of(InvalidUploadException.RecordProblem problem) {
            boolean line = problem.positionKind() == PositionKind.LINE;
            return new RecordError(
                    line ? problem.position() : null,
                    line ? null : problem.position(),
                    problem.field(),
                    problem.problem(),
                    problem.message());
        }
    }

    /**
     * The bad records (at most the configured number, all counted in {@code invalid}), the file's {@code format}, its
     * {@code records}, and whether the whole file could be read ({@code complete} false after malformed JSON in an
     * array); only {@code errors}, empty, when the upload as a whole is the problem (e.g. no records).
     */
    @ServerExceptionMapper
    public Response invalidUpload(InvalidUploadException e, HttpServerRequest request) {
        Problem problem = ProblemResponses.invalidRequest(e.getMessage(), request.path());
        ValidationReport report = e.report();
        if (!e.problems().isEmpty()) {
            problem = problem.with("format", e.format())
                    .with("records", e.records())
                    .with("invalid", e.invalid())
                    .with("complete", true)
                    .with("errors", e.problems().stream().map(RecordError::of).toList());
        } else if (report == null) {
            problem = problem.with("errors", List.of());
        } else {
            problem = problem.with(
                            "format",
                            report.format() == null ? null : report.format().label())
                    .with("records", report.recordCount())
                    .with("invalid", report.invalidCount())
                    .with("complete", report.complete())
                    .with(
                            "errors",
                            report.errors().stream().map(RecordError::of).toList());
        }
        return problem.toResponse();
    }
}
