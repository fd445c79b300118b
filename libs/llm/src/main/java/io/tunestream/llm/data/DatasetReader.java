package io.tunestream.llm.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 *   <li>it is longer than {@value #LAYOUT_PEEK_LIMIT} bytes: a JSON array (no single record is that long).</li>
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
 * JSON array, bytes that are not UTF-8 included, ends the iteration, since nothing after it can be read reliably.
 * Lines end with {@code \n} or {@code \r\n}. I/O errors are thrown as {@link UncheckedIOException}.
 * {@link #validate} collects the errors of a whole file instead.
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

    /** The longest first line the layout detection looks at, in bytes. */
    static final int LAYOUT_PEEK_LIMIT = 1 << 20;

    private static final int MAX_KEYS_IN_MESSAGE = 8;
    /** Jackson appends where an unclosed array or object started; the position is already in our message. */
    private static final Pattern JACKSON_START_MARKER = Pattern.compile("\\s*\\(start marker at .*?\\)\\s*$");

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            // Jackson's messages would otherwise quote the document, here a whole line of user data.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build());

    private final String source;
    private final BufferedInputStream in;
    /** JSONL lines are split on bytes, so that a line that is not UTF-8 is an error of that line alone. */
    private byte[] lineBuffer = new byte[8192];

    private int lineLength;
    /** Bulk reads for JSONL: a byte at a time through the buffered stream would be several times slower. */
    private final byte[] chunk = new byte[1 << 16];

    private int chunkPosition;
    private int chunkLimit;
    private final Layout layout;
    private DataFormat format;
    private boolean iterated;
    private boolean finished;
    private boolean stoppedEarly;
    private long lineNumber;
    private JsonParser arrayParser;
    private long nextIndex;

    private DatasetReader(String source, BufferedInputStream in, Layout layout, DataFormat expected) {
        this.source = source;
        this.in = in;
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
        // Jackson decodes the UTF-8 itself and reports bytes that are not UTF-8 as malformed JSON, with their line.
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        skipByteOrderMark(buffered);
        return new DatasetReader(sourceName, buffered, detectLayout(buffered), expected);
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
        in.close();
    }

    private static void skipByteOrderMark(BufferedInputStream in) throws IOException {
        in.mark(3);
        if (in.read() != 0xEF || in.read() != 0xBB || in.read() != 0xBF) {
            in.reset();
        }
    }

    /** Applies the rule in the class comment, then rewinds the stream to where it was. */
    private static Layout detectLayout(BufferedInputStream in) throws IOException {
        in.mark(LAYOUT_PEEK_LIMIT + 1);
        try {
            int bytesRead = 0;
            int b;
            do {
                b = in.read();
                bytesRead++;
            } while (b != -1 && isJsonWhitespace(b));
            if (b != '[') {
                return Layout.JSONL;
            }
            ByteArrayOutputStream firstLine = new ByteArrayOutputStream();
            firstLine.write(b);
            while ((b = in.read()) != -1 && b != '\n' && b != '\r') {
                if (++bytesRead > LAYOUT_PEEK_LIMIT) {
                    return Layout.JSON_ARRAY;
                }
                firstLine.write(b);
            }
            boolean moreContent = false;
            while (b != -1 && !moreContent) {
                if (++bytesRead > LAYOUT_PEEK_LIMIT) {
                    return Layout.JSON_ARRAY;
                }
                b = in.read();
                moreContent = b != -1 && !isJsonWhitespace(b);
            }
            return layoutOfFirstLine(firstLine.toByteArray(), moreContent);
        } finally {
            in.reset();
        }
    }

    private static Layout layoutOfFirstLine(byte[] firstLine, boolean moreContent) throws IOException {
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
    private record RawRecord(
            JsonNode value, long position, PositionKind kind, String detail, DataFormatException unreadable) {}

    /** The next raw record, or null at the end. */
    private RawRecord readRaw() throws IOException {
        if (finished) {
            return null;
        }
        return layout == Layout.JSONL ? readLine() : readArrayElement();
    }

    private RawRecord readLine() throws IOException {
        do {
            if (!readLineBytes()) {
                finished = true;
                return null;
            }
            lineNumber++;
        } while (isBlank(lineBuffer, lineLength));
        try (JsonParser parser = MAPPER.createParser(lineBuffer, 0, lineLength)) {
            parser.nextToken();
            JsonNode value = parser.readValueAsTree();
            if (parser.nextToken() != null) {
                return new RawRecord(
                        null,
                        lineNumber,
                        PositionKind.LINE,
                        null,
                        new DataFormatException(
                                source,
                                lineNumber,
                                PositionKind.LINE,
                                null,
                                "a second JSON value on the line; JSONL holds one record" + " per line",
                                "column " + parser.currentTokenLocation().getColumnNr(),
                                null));
            }
            return new RawRecord(value, lineNumber, PositionKind.LINE, null, null);
        } catch (JsonProcessingException e) {
            return new RawRecord(null, lineNumber, PositionKind.LINE, null, malformed(lineNumber, e));
        }
    }

    /**
     * Reads the next line into {@link #lineBuffer} without its line break ({@code \n} or {@code \r\n}).
     *
     * @return false at the end of the input
     */
    private boolean readLineBytes() throws IOException {
        lineLength = 0;
        while (true) {
            if (chunkPosition == chunkLimit) {
                chunkLimit = in.read(chunk, 0, chunk.length);
                chunkPosition = 0;
                if (chunkLimit <= 0) {
                    chunkLimit = 0;
                    return lineLength > 0;
                }
            }
            int end = chunkPosition;
            while (end < chunkLimit && chunk[end] != '\n') {
                end++;
            }
            appendToLine(chunk, chunkPosition, end - chunkPosition);
            boolean lineComplete = end < chunkLimit;
            chunkPosition = lineComplete ? end + 1 : end;
            if (lineComplete) {
                if (lineLength > 0 && lineBuffer[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return true;
            }
        }
    }

    private void appendToLine(byte[] bytes, int offset, int length) {
        if (lineLength + length > lineBuffer.length) {
            lineBuffer = Arrays.copyOf(lineBuffer, Math.max(lineBuffer.length * 2, lineLength + length));
        }
        System.arraycopy(bytes, offset, lineBuffer, lineLength, length);
        lineLength += length;
    }

    private static boolean isBlank(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (!isJsonWhitespace(bytes[i])) {
                return false;
            }
        }
        return true;
    }

    private RawRecord readArrayElement() throws IOException {
        try {
            if (arrayParser == null) {
                arrayParser = MAPPER.createParser(in);
                // Layout detection saw the '['.
                arrayParser.nextToken();
            }
            JsonToken token = arrayParser.nextToken();
            if (token == JsonToken.END_ARRAY) {
                finished = true;
                if (arrayParser.nextToken() != null) {
                    long line = arrayParser.currentTokenLocation().getLineNr();
                    return stop(new DataFormatException(
                            source,
                            line,
                            PositionKind.LINE,
                            null,
                            "content after the closing ] of the array; a JSON array dataset is one array",
                            null,
                            null));
                }
                return null;
            }
            long line = arrayParser.currentTokenLocation().getLineNr();
            JsonNode value = arrayParser.readValueAsTree();
            return new RawRecord(
                    value == null ? NullNode.getInstance() : value,
                    nextIndex++,
                    PositionKind.INDEX,
                    "line " + line,
                    null);
        } catch (JsonProcessingException e) {
            return stop(malformed(e.getLocation() == null ? 0 : e.getLocation().getLineNr(), e));
        }
    }

    /** Ends the iteration after an error that leaves the rest of the file unreadable. */
    private RawRecord stop(DataFormatException error) {
        finished = true;
        stoppedEarly = true;
        return new RawRecord(null, error.position(), error.positionKind(), null, error);
    }

    private DataFormatException malformed(long line, JsonProcessingException e) {
        String detail =
                e.getLocation() == null ? null : "column " + e.getLocation().getColumnNr();
        String reason = JACKSON_START_MARKER
                .matcher(e.getOriginalMessage().lines().findFirst().orElse(""))
                .replaceAll("");
        String problem = reason.startsWith("Invalid UTF-8")
                ? "not valid UTF-8 (" + reason + "); save the file as UTF-8"
                : "malformed JSON: " + reason;
        return new DataFormatException(source, line, PositionKind.LINE, null, problem, detail, e);
    }

    private ParsedRecord toRecord(RawRecord raw) {
        if (raw.unreadable() != null) {
            throw raw.unreadable();
        }
        DataFormat recordFormat = format;
        if (recordFormat == null) {
            Optional<DataFormat> detected = DataFormat.detect(raw.value());
            if (detected.isEmpty()) {
                throw new DataFormatException(
                        source,
                        raw.position(),
                        raw.kind(),
                        null,
                        "cannot tell the record's format from " + describeKeys(raw.value()) + "; expected "
                                + "instruction+output (instruction), prompt+chosen+rejected (preference), text (text), "
                                + "or messages, conversations or human+assistant, or an array of turns (conversation)",
                        raw.detail(),
                        null);
            }
            recordFormat = detected.get();
            format = recordFormat;
        }
        try {
            return new ParsedRecord(RecordParser.parse(raw.value(), recordFormat), raw.position(), raw.kind());
        } catch (InvalidRecordException e) {
            throw new DataFormatException(
                    source, raw.position(), raw.kind(), e.field(), e.getMessage(), raw.detail(), null);
        }
    }

    private static String describeKeys(JsonNode value) {
        if (!value.isObject()) {
            return RecordParser.describe(value);
        }
        List<String> keys = new ArrayList<>();
        value.fieldNames().forEachRemaining(keys::add);
        String shown = String.join(", ", keys.subList(0, Math.min(keys.size(), MAX_KEYS_IN_MESSAGE)));
        return keys.isEmpty()
                ? "an empty object"
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
