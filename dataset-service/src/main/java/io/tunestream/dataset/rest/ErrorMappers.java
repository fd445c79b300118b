package io.tunestream.dataset.rest;

import io.tunestream.dataset.service.ConflictException;
import io.tunestream.dataset.service.InvalidRequestException;
import io.tunestream.dataset.service.InvalidUploadException;
import io.tunestream.dataset.service.NotFoundException;
import io.tunestream.llm.data.DataFormatException;
import io.tunestream.llm.data.PositionKind;
import io.tunestream.llm.data.ValidationReport;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The service's errors as JSON bodies a client can act on. */
public class ErrorMappers {

    /** A plain error. */
    public record ErrorResponse(String error) {
    }

    /** One bad record of an upload: its 1-based line (JSONL) or 0-based index (JSON array), the field, the problem. */
    public record RecordError(Long line, Long index, String field, String problem, String message) {
        static RecordError of(DataFormatException error) {
            boolean line = error.positionKind() == PositionKind.LINE;
            return new RecordError(line ? error.position() : null, line ? null : error.position(), error.field(),
                    error.problem(), error.getMessage());
        }

        static RecordError of(InvalidUploadException.RecordProblem problem) {
            boolean line = problem.positionKind() == PositionKind.LINE;
            return new RecordError(line ? problem.position() : null, line ? null : problem.position(),
                    problem.field(), problem.problem(), problem.message());
        }
    }

    /**
     * A rejected upload: the bad records (at most the configured number, all counted in {@code invalid}), and whether
     * the whole file could be read ({@code complete} false after malformed JSON in an array).
     */
    public record UploadErrorResponse(String error, String format, Long records, Long invalid, Boolean complete,
            List<RecordError> errors) {
    }

    @ServerExceptionMapper
    public Response invalidUpload(InvalidUploadException e) {
        ValidationReport report = e.report();
        UploadErrorResponse body = !e.problems().isEmpty()
                ? new UploadErrorResponse(e.getMessage(), e.format(), e.records(), e.invalid(), true,
                        e.problems().stream().map(RecordError::of).toList())
                : report == null
                ? new UploadErrorResponse(e.getMessage(), null, null, null, null, List.of())
                : new UploadErrorResponse(e.getMessage(), report.format() == null ? null : report.format().label(),
                        report.recordCount(), report.invalidCount(), report.complete(),
                        report.errors().stream().map(RecordError::of).toList());
        return json(Response.Status.BAD_REQUEST, body);
    }

    @ServerExceptionMapper
    public Response invalidRequest(InvalidRequestException e) {
        return json(Response.Status.BAD_REQUEST, new ErrorResponse(e.getMessage()));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return json(Response.Status.NOT_FOUND, new ErrorResponse(e.getMessage()));
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException e) {
        return json(Response.Status.CONFLICT, new ErrorResponse(e.getMessage()));
    }

    private static Response json(Response.Status status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
