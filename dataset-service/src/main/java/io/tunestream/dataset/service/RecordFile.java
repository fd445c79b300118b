package io.tunestream.dataset.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.dataset.DatasetKind;
import io.tunestream.llm.data.DataFormat;
import io.tunestream.llm.data.DataFormatException;
import io.tunestream.llm.data.DatasetReader;
import io.tunestream.llm.data.ParsedRecord;
import io.tunestream.llm.data.PositionKind;
import io.tunestream.llm.data.ValidationReport;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A spooled upload read with the engine's {@link DatasetReader}: first validated whole, then read once more record by
 * record together with each record's JSON as received, so that nothing is stored unless every record is valid and
 * what is stored is the record itself, not a re-encoding of it.
 */
public final class RecordFile {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RecordFile() {}

    /** Consumes the records of a valid file. */
    @FunctionalInterface
    public interface RecordSink {
        void accept(SampleContent sample) throws IOException;
    }

    /**
     * Every problem of the file for a dataset of {@code kind}: the engine's validation (line or index and field of
     * each bad record), then whether the records' format belongs in such a dataset.
     */
    public static ValidationReport validate(Path file, String sourceName, DatasetKind kind, int maxErrors)
            throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return DatasetReader.validate(in, sourceName, expectedFormat(kind), maxErrors);
        }
    }

    /** The one format a dataset kind has; null for sft, whose records are instruction or conversation. */
    public static DataFormat expectedFormat(DatasetKind kind) {
        return kind.formats().size() == 1 ? kind.formats().iterator().next() : null;
    }

    /** Consumes the records of a valid file with their positions. */
    @FunctionalInterface
    public interface PositionedSink {
        void accept(SampleContent sample, long position, PositionKind positionKind) throws IOException;
    }

    /**
     * Reads a file that {@link #validate} accepted.
     *
     * @return the number of records
     */
    public static long read(Path file, String sourceName, DatasetKind kind, RecordSink sink) throws IOException {
        return read(file, sourceName, kind, (PositionedSink) (sample, position, positionKind) -> sink.accept(sample));
    }

    /**
     * Reads a file that {@link #validate} accepted, with each record's line (JSONL) or index (JSON array).
     *
     * @return the number of records
     */
    public static long read(Path file, String sourceName, DatasetKind kind, PositionedSink sink) throws IOException {
        long count = 0;
        try (DatasetReader reader = DatasetReader.open(Files.newInputStream(file), sourceName, expectedFormat(kind));
                RawRecords raw =
                        reader.layout() == DatasetReader.Layout.JSONL ? new JsonLines(file) : new ArrayElements(file)) {
            for (Iterator<ParsedRecord> records = reader.iterator(); records.hasNext(); ) {
                ParsedRecord parsed = records.next();
                String json = raw.next(parsed.position(), parsed.positionKind());
                sink.accept(SampleContent.of(parsed.record(), json), parsed.position(), parsed.positionKind());
                count++;
            }
        }
        return count;
    }

    /**
     * Validates one record, e.g. of a {@code SampleEvent}, as the engine validates a line of an upload.
     *
     * @throws InvalidSampleException naming the field and the problem
     */
    public static SampleContent parseOne(JsonNode record, String sourceName, DatasetKind kind) {
        String json;
        byte[] line;
        try {
            json = MAPPER.writeValueAsString(record);
            // A lone array of turns is read as one conversation only when each element is a turn; under
            // "conversations" any array is checked as turns, never read as a list of records.
            line = record.isArray()
                    ? MAPPER.writeValueAsBytes(MAPPER.createObjectNode().set("conversations", record))
                    : json.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidSampleException("record cannot be written as JSON: " + e.getMessage());
        }
        try (DatasetReader reader =
                DatasetReader.open(new ByteArrayInputStream(line), sourceName, expectedFormat(kind))) {
            Iterator<ParsedRecord> records = reader.iterator();
            if (!records.hasNext()) {
                throw new InvalidSampleException("record is empty");
            }
            ParsedRecord parsed = records.next();
            if (!kind.accepts(parsed.record().format())) {
                throw new InvalidSampleException(
                        wrongFormat(kind, parsed.record().format()));
            }
            if (kind == DatasetKind.EVAL) {
                EvalRecords.familyProblem(record).ifPresent(problem -> {
                    throw new InvalidSampleException(sourceName + ": field \"" + EvalRecords.FAMILY + "\": " + problem);
                });
            }
            return SampleContent.of(parsed.record(), json);
        } catch (DataFormatException e) {
            throw new InvalidSampleException(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The problems of an accepted file's records that only an evaluation set has: a {@code family} that is not a
     * non-blank string. Counts them all, keeps the first {@code maxErrors}.
     */
    public static InvalidUploadException evalProblems(Path file, String sourceName, int maxErrors) throws IOException {
        List<InvalidUploadException.RecordProblem> problems = new ArrayList<>();
        long[] invalid = {0};
        long records = read(file, sourceName, DatasetKind.EVAL, (PositionedSink) (sample, position, positionKind) -> {
            Optional<String> problem = EvalRecords.familyProblem(MAPPER.readTree(sample.record()));
            if (problem.isPresent()) {
                invalid[0]++;
                if (problems.size() < maxErrors) {
                    problems.add(new InvalidUploadException.RecordProblem(
                            position,
                            positionKind,
                            EvalRecords.FAMILY,
                            problem.get(),
                            sourceName + " " + positionKind.label() + " " + position + ": field \"" + EvalRecords.FAMILY
                                    + "\": " + problem.get()));
                }
            }
        });
        if (invalid[0] == 0) {
            return null;
        }
        return new InvalidUploadException(
                invalid[0] + " of " + records + " records of " + sourceName + " are invalid; nothing was stored",
                DataFormat.INSTRUCTION.label(),
                records,
                invalid[0],
                problems);
    }

    /** Why records of {@code format} do not belong in a dataset of {@code kind}. */
    public static String wrongFormat(DatasetKind kind, DataFormat format) {
        return "a " + kind.label() + " dataset holds "
                + kind.formats().stream().map(DataFormat::label).sorted().toList() + " records, these are "
                + (format == null ? "of no recognisable format" : format.label() + " records");
    }

    /** The records' JSON text in file order, in step with the engine's reader. */
    private interface RawRecords extends AutoCloseable {
        String next(long expectedPosition, PositionKind kind) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** JSONL: each non-blank line, as the reader splits them (on {@code \n}, a trailing {@code \r} dropped). */
    private static final class JsonLines implements RawRecords {
        private final BufferedInputStream in;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private long lineNumber;

        JsonLines(Path file) throws IOException {
            in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            in.mark(3);
            if (in.read() != 0xEF || in.read() != 0xBB || in.read() != 0xBF) {
                in.reset();
            }
        }

        @Override
        public String next(long expectedPosition, PositionKind kind) throws IOException {
            while (readLine()) {
                lineNumber++;
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                if (!isBlank(bytes, length)) {
                    requireInStep(lineNumber, expectedPosition, kind, PositionKind.LINE);
                    return new String(bytes, 0, length, StandardCharsets.UTF_8);
                }
            }
            throw new IllegalStateException(
                    "the upload ended before line " + expectedPosition + " that the reader read");
        }

        private boolean readLine() throws IOException {
            line.reset();
            int b;
            boolean any = false;
            while ((b = in.read()) != -1) {
                any = true;
                if (b == '\n') {
                    return true;
                }
                line.write(b);
            }
            return any;
        }

        private static boolean isBlank(byte[] bytes, int length) {
            for (int i = 0; i < length; i++) {
                if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r' && bytes[i] != '\n') {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A JSON array: each element, written back compactly (its own spacing is not kept). */
    private static final class ArrayElements implements RawRecords {
        private final JsonParser parser;
        private long index;

        ArrayElements(Path file) throws IOException {
            parser = MAPPER.createParser(Files.newInputStream(file));
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalStateException(
                        "the reader took the upload for a JSON array, but it does not start with [");
            }
        }

        @Override
        public String next(long expectedPosition, PositionKind kind) throws IOException {
            requireInStep(index++, expectedPosition, kind, PositionKind.INDEX);
            parser.nextToken();
            JsonNode element = parser.readValueAsTree();
            return MAPPER.writeValueAsString(element);
        }

        @Override
        public void close() throws IOException {
            parser.close();
        }
    }

    /** The two readers split records the same way; if they ever disagree, storing would pair records wrongly. */
    private static void requireInStep(long position, long expected, PositionKind expectedKind, PositionKind kind) {
        if (position != expected || expectedKind != kind) {
            throw new IllegalStateException("raw record at " + kind.label() + " " + position
                    + " does not match the reader's " + expectedKind.label() + " " + expected);
        }
    }
}
