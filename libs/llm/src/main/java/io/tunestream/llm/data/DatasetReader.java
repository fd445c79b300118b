package io.tunestream.llm.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads a dataset file record by record, without holding more than one record (or one JSONL line) in memory.
 *
 * <h2>Layout: JSONL or JSON array</h2>
 * A dataset is either JSONL (one JSON value per line, blank lines skipped) or one JSON array whose elements are the
 * records. Since a JSONL line may itself be an array (a conversation in the turn format, {@code [{"human": ...,
 * "assistant": ...}]}), a leading {@code [} is not enough to tell them apart. The rule, applied to the line holding
 * the first non-blank character:
 * <ol>
 *   <li>it does not start with {@code [}: JSONL;</li>
 *   <li>it starts an array that does not end on that line: a JSON array (the usual pretty-printed file);</li>
 *   <li>it is a complete JSON value and more content follows on later lines: JSONL;</li>
 *   <li>it is not valid JSON: JSONL, so that the error names that line and the other lines are still checked;</li>
 *   <li>it is the only content of the file: JSONL with one conversation when every element is a turn object (keys
 *   {@code human}, {@code assistant} and optionally {@code system}), otherwise a JSON array. A one-line array of
 *   single-turn {@code {"human", "assistant"}} records is therefore read as one multi-turn conversation;</li>
 *   <li>it is longer than {@value #LAYOUT_PEEK_LIMIT} characters: a JSON array (no single record is that long).</li>
 * </ol>
 *
 * <h2>Format</h2>
 * Every record must have the same {@link DataFormat}: the expected one when given, otherwise the one
 * {@linkplain DataFormat#detect detected} from the first recognisable record. Keys that a format does not use are
 * ignored.
 *
 * <h2>Errors</h2>
 * {@link Iterator#next()} throws a {@link DataFormatException} for a record that cannot be used, naming the file, the
 * line (JSONL) or index (JSON array) and the field; iteration may go on with the next record. Malformed JSON in a
 * JSON array and bytes that are not UTF-8 end the iteration, since nothing after them can be read reliably. I/O errors
 * are thrown as {@link UncheckedIOException}. {@link #validate} collects the errors of a whole file instead.
 *
 * <p>A reader is read once and must be closed; it closes the stream it reads.
 */
public final class DatasetReader implements Iterable<ParsedRecord>, Closeable {

    /** How the records are laid out in the file. */
    public enum Layout {
        /** One JSON value per line. */
        JSONL,
        /** One JSON array holding all records. */
        JSON_ARRAY
    }

    /** The longest first line the layout detection looks at, in characters. */
    static final int LAYOUT_PEEK_LIMIT = 1 << 20;

    private static final int MAX_KEYS_IN_MESSAGE = 8;
    /** Jackson appends where an unclosed array or object started; the position is already in our message. */
    private static final Pattern JACKSON_START_MARKER = Pattern.compile("\\s*\\(start marker at .*?\\)\\s*$");
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            // Jackson's messages would otherwise quote the document, here a whole line of user data.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build());
    private static final ObjectReader LINE_READER = MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String source;
    private final BufferedReader reader;
    private final Layout layout;
    private DataFormat format;
    private boolean iterated;
    private boolean finished;
    private boolean stoppedEarly;
    private long lineNumber;
    private JsonParser arrayParser;
    private long nextIndex;

    private DatasetReader(String source, BufferedReader reader, Layout layout, DataFormat expected) {
        this.source = source;
        this.reader = reader;
        this.layout = layout;
        this.format = expected;
    }

    /**
     * Opens a dataset file; its file name is the source named in errors.
     *
     * @param expected the format every record must have, or null to take the format of the first record
     */
    public static DatasetReader open(Path file, DataFormat expected) throws IOException {
        Path fileName = file.getFileName();
        String source = fileName == null ? file.toString() : fileName.toString();
        InputStream in = Files.newInputStream(file);
        try {
            return open(in, source, expected);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Reads a dataset from a stream, which the reader closes.
     *
     * @param sourceName the name errors give the dataset, e.g. an upload's file name
     * @param expected the format every record must have, or null to take the format of the first record
     */
    public static DatasetReader open(InputStream in, String sourceName, DataFormat expected) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(sourceName, "sourceName");
        // A reporting decoder: bytes that are not UTF-8 become an error instead of silently turning into U+FFFD.
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()), 1 << 16);
        skipByteOrderMark(reader);
        return new DatasetReader(sourceName, reader, detectLayout(reader), expected);
    }

    /**
     * Reads a whole dataset file and reports every record that cannot be used, without stopping at the first.
     *
     * @param expected the format every record must have, or null to take the format of the first record
     * @param maxErrors how many errors to keep in the report (all are counted), at least 1
     */
    public static ValidationReport validate(Path file, DataFormat expected, int maxErrors) throws IOException {
        requirePositive(maxErrors);
        try (DatasetReader reader = open(file, expected)) {
            return reader.validate(maxErrors);
        }
    }

    /** Like {@link #validate(Path, DataFormat, int)} for a stream, which is closed. */
    public static ValidationReport validate(InputStream in, String sourceName, DataFormat expected, int maxErrors)
            throws IOException {
        requirePositive(maxErrors);
        try (DatasetReader reader = open(in, sourceName, expected)) {
            return reader.validate(maxErrors);
        }
    }

    private static void requirePositive(int maxErrors) {
        if (maxErrors < 1) {
            throw new IllegalArgumentException("maxErrors must be at least 1, got " + maxErrors);
        }
    }

    private ValidationReport validate(int maxErrors) throws IOException {
        List<DataFormatException> errors = new ArrayList<>();
        long records = 0;
        long invalid = 0;
        try {
            for (Iterator<ParsedRecord> it = iterator(); it.hasNext(); ) {
                records++;
                try {
                    it.next();
                } catch (DataFormatException e) {
                    invalid++;
                    if (errors.size() < maxErrors) {
                        errors.add(e);
                    }
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new ValidationReport(source, format, records, invalid, errors, !stoppedEarly);
    }

    /** The dataset's name in errors. */
    public String source() {
        return source;
    }

    public Layout layout() {
        return layout;
    }

    /** The expected format, or the one detected from the first recognisable record; null until then. */
    public DataFormat format() {
        return format;
    }

    /** The records in file order; can be called once. */
    @Override
    public Iterator<ParsedRecord> iterator() {
        if (iterated) {
            throw new IllegalStateException(source + " is already being read; open it again to read it again");
        }
        iterated = true;
        return new RecordIterator();
    }

    /** The records as a sequential stream; closing the reader, not the stream, releases the file. */
    public Stream<ParsedRecord> stream() {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    @Override
    public void close() throws IOException {
        finished = true;
        if (arrayParser != null) {
            arrayParser.close();
        }
        reader.close();
    }

    private static void skipByteOrderMark(BufferedReader reader) throws IOException {
        reader.mark(1);
        try {
            if (reader.read() == '\uFEFF') {
                return;
            }
        } catch (CharacterCodingException e) {
            // Reported with its line when the records are read.
        }
        reader.reset();
    }

    /** Applies the rule in the class comment, then rewinds the reader to where it was. */
    private static Layout detectLayout(BufferedReader reader) throws IOException {
        reader.mark(LAYOUT_PEEK_LIMIT + 1);
        try {
            int charsRead = 0;
            int c;
            do {
                c = reader.read();
                charsRead++;
            } while (c != -1 && isJsonWhitespace(c));
            if (c != '[') {
                return Layout.JSONL;
            }
            StringBuilder firstLine = new StringBuilder("[");
            while ((c = reader.read()) != -1 && c != '\n' && c != '\r') {
                if (++charsRead > LAYOUT_PEEK_LIMIT) {
                    return Layout.JSON_ARRAY;
                }
                firstLine.append((char) c);
            }
            boolean moreContent = false;
            while (c != -1 && !moreContent) {
                if (++charsRead > LAYOUT_PEEK_LIMIT) {
                    return Layout.JSON_ARRAY;
                }
                c = reader.read();
                moreContent = c != -1 && !isJsonWhitespace(c);
            }
            return layoutOfFirstLine(firstLine.toString(), moreContent);
        } catch (CharacterCodingException e) {
            // Line by line reading names the line with the bad bytes.
            return Layout.JSONL;
        } finally {
            reader.reset();
        }
    }

    private static Layout layoutOfFirstLine(String firstLine, boolean moreContent) throws IOException {
        try (JsonParser parser = MAPPER.createParser(firstLine)) {
            parser.nextToken();
            parser.skipChildren();
            if (parser.nextToken() != null) {
                return Layout.JSONL;
            }
        } catch (JsonEOFException e) {
            return Layout.JSON_ARRAY;
        } catch (JsonProcessingException e) {
            return Layout.JSONL;
        }
        if (moreContent) {
            return Layout.JSONL;
        }
        return RecordParser.isTurnArray(MAPPER.readTree(firstLine)) ? Layout.JSONL : Layout.JSON_ARRAY;
    }

    private static boolean isJsonWhitespace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** One JSON value as read, or why it could not be read; turned into a record by {@link RecordIterator#next()}. */
    private record RawRecord(JsonNode value, long position, PositionKind kind, String detail,
            DataFormatException unreadable) {
    }

    /** The next raw record, or null at the end. */
    private RawRecord readRaw() throws IOException {
        if (finished) {
            return null;
        }
        return layout == Layout.JSONL ? readLine() : readArrayElement();
    }

    private RawRecord readLine() throws IOException {
        String line;
        while (true) {
            try {
                line = reader.readLine();
            } catch (CharacterCodingException e) {
                return stop(new DataFormatException(source, lineNumber + 1, PositionKind.LINE, null,
                        "not valid UTF-8 (" + e.getMessage() + "); save the file as UTF-8", null, e));
            }
            if (line == null) {
                finished = true;
                return null;
            }
            lineNumber++;
            if (!line.isBlank()) {
                break;
            }
        }
        try {
            return new RawRecord(LINE_READER.readTree(line), lineNumber, PositionKind.LINE, null, null);
        } catch (JsonProcessingException e) {
            return new RawRecord(null, lineNumber, PositionKind.LINE, null, malformed(lineNumber, e));
        }
    }

    private RawRecord readArrayElement() throws IOException {
        try {
            if (arrayParser == null) {
                arrayParser = MAPPER.createParser(reader);
                // Layout detection saw the '['.
                arrayParser.nextToken();
            }
            JsonToken token = arrayParser.nextToken();
            if (token == JsonToken.END_ARRAY) {
                finished = true;
                if (arrayParser.nextToken() != null) {
                    long line = arrayParser.currentTokenLocation().getLineNr();
                    return stop(new DataFormatException(source, line, PositionKind.LINE, null,
                            "content after the closing ] of the array; a JSON array dataset is one array", null, null));
                }
                return null;
            }
            long line = arrayParser.currentTokenLocation().getLineNr();
            JsonNode value = arrayParser.readValueAsTree();
            return new RawRecord(value == null ? NullNode.getInstance() : value, nextIndex++, PositionKind.INDEX,
                    "line " + line, null);
        } catch (JsonProcessingException e) {
            return stop(malformed(e.getLocation() == null ? 0 : e.getLocation().getLineNr(), e));
        } catch (CharacterCodingException e) {
            long line = arrayParser == null ? 1 : arrayParser.currentLocation().getLineNr();
            return stop(new DataFormatException(source, line, PositionKind.LINE, null,
                    "not valid UTF-8 (" + e.getMessage() + "); save the file as UTF-8", null, e));
        }
    }

    /** Ends the iteration after an error that leaves the rest of the file unreadable. */
    private RawRecord stop(DataFormatException error) {
        finished = true;
        stoppedEarly = true;
        return new RawRecord(null, error.position(), error.positionKind(), null, error);
    }

    private DataFormatException malformed(long line, JsonProcessingException e) {
        String detail = e.getLocation() == null ? null : "column " + e.getLocation().getColumnNr();
        String reason = JACKSON_START_MARKER.matcher(e.getOriginalMessage().lines().findFirst().orElse("")).replaceAll("");
        return new DataFormatException(source, line, PositionKind.LINE, null, "malformed JSON: " + reason, detail, e);
    }

    private ParsedRecord toRecord(RawRecord raw) {
        if (raw.unreadable() != null) {
            throw raw.unreadable();
        }
        DataFormat recordFormat = format;
        if (recordFormat == null) {
            Optional<DataFormat> detected = DataFormat.detect(raw.value());
            if (detected.isEmpty()) {
                throw new DataFormatException(source, raw.position(), raw.kind(), null,
                        "cannot tell the record's format from " + describeKeys(raw.value()) + "; expected "
                                + "instruction+output (instruction), prompt+chosen+rejected (preference), text (text), "
                                + "or messages, conversations or human+assistant, or an array of turns (conversation)",
                        raw.detail(), null);
            }
            recordFormat = detected.get();
            format = recordFormat;
        }
        try {
            return new ParsedRecord(RecordParser.parse(raw.value(), recordFormat), raw.position(), raw.kind());
        } catch (InvalidRecordException e) {
            throw new DataFormatException(source, raw.position(), raw.kind(), e.field(), e.getMessage(), raw.detail(),
                    null);
        }
    }

    private static String describeKeys(JsonNode value) {
        if (!value.isObject()) {
            return RecordParser.describe(value);
        }
        List<String> keys = new ArrayList<>();
        value.fieldNames().forEachRemaining(keys::add);
        String shown = String.join(", ", keys.subList(0, Math.min(keys.size(), MAX_KEYS_IN_MESSAGE)));
        return keys.isEmpty() ? "an empty object"
                : "an object with keys [" + shown + (keys.size() > MAX_KEYS_IN_MESSAGE ? ", ..." : "") + "]";
    }

    private final class RecordIterator implements Iterator<ParsedRecord> {

        private RawRecord pending;

        @Override
        public boolean hasNext() {
            if (pending == null) {
                try {
                    pending = readRaw();
                } catch (IOException e) {
                    throw new UncheckedIOException(source + ": " + e.getMessage(), e);
                }
            }
            return pending != null;
        }

        @Override
        public ParsedRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException(source + " has no more records");
            }
            RawRecord raw = pending;
            pending = null;
            return toRecord(raw);
        }
    }
}
