package io.tunestream.llm.data;

import java.util.List;
import java.util.Objects;

/**
 * The result of {@link DatasetReader#validate}: how many records the dataset holds and what is wrong with them.
 *
 * @param source the dataset's name
 * @param format the format records were checked against: the expected one, or the one detected from the first
 *     record; null when no record could be recognised
 * @param recordCount the records read, valid or not
 * @param invalidCount the records with an error, also those beyond the first {@code maxErrors}
 * @param errors the first errors in file order, at most {@code maxErrors}
 * @param complete false when reading stopped before the end: malformed JSON in a JSON array, or bytes that are not
 *     UTF-8, leave the rest unreadable, so the counts cover only what came before
 */
public record ValidationReport(
        String source,
        DataFormat format,
        long recordCount,
        long invalidCount,
        List<DataFormatException> errors,
        boolean complete) {

    public ValidationReport {
        Objects.requireNonNull(source, "source");
        errors = List.copyOf(errors);
        if (recordCount < 0 || invalidCount < 0 || invalidCount > recordCount) {
            throw new IllegalArgumentException(
                    "counts must satisfy 0 <= invalidCount <= recordCount, got " + invalidCount + " of " + recordCount);
        }
    }

    /** True when every record is usable and the whole dataset was read. */
    public boolean isValid() {
        return invalidCount == 0 && complete;
    }

    /** The records that can be used. */
    public long validCount() {
        return recordCount - invalidCount;
    }
}
