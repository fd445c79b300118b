package io.tunestream.dataset.service;

import io.tunestream.llm.data.ValidationReport;

/** An upload that was rejected whole; nothing of it was stored. */
public class InvalidUploadException extends RuntimeException {

    private final ValidationReport report;

    /** @param report the engine's report; null when the problem is the upload as a whole (e.g. empty) */
    public InvalidUploadException(String message, ValidationReport report) {
        super(message);
        this.report = report;
    }

    public ValidationReport report() {
        return report;
    }
}
