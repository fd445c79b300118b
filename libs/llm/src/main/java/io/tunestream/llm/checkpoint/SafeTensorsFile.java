package io.tunestream.llm.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads one safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape
 * and byte range, then the raw little-endian data. Floating-point tensors are widened to F32 in Java (BF16 and F16
 * never reach the engine).
 */
public final class SafeTensorsFile implements AutoCloseable {

    /** A header larger than this is not a safetensors header (the reference implementation caps it at 100 MB). */
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensorsFile(
            Path file,
            FileChannel channel,
            long dataStart,
            Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafeTensorsFile open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot open safetensors file: " + e.getMessage(), e);
        }
        try {
            return parse(file, channel);
        } catch (RuntimeException | IOException e) {
            closeQuietly(channel);
            if (e instanceof CheckpointException checkpointException) {
                throw checkpointException;
            }
            throw new CheckpointException(file + ": not a readable safetensors file: " + e.getMessage(), e);
        }
    }

    private static SafeTensorsFile parse(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new CheckpointException(file + ": " + fileSize + " bytes is too short for a safetensors file");
        }
        ByteBuffer lengthBuffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBuffer, 0);
        long headerLength = lengthBuffer.flip().getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > fileSize) {
            throw new CheckpointException(file + ": header length " + headerLength + " is not valid for a file of "
                    + fileSize + " bytes (is this a safetensors file?)");
        }
        ByteBuffer headerBuffer = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBuffer, 8);
        JsonNode header = JSON.readTree(new String(headerBuffer.array(), StandardCharsets.UTF_8));
        if (header == null || !header.isObject()) {
            throw new CheckpointException(file + ": the header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataSize = fileSize - dataStart;
        Map<String, TensorInfo> tensors = new TreeMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = header.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals("__metadata__")) {
                field.getValue()
                        .fields()
                        .forEachRemaining(entry ->
                                metadata.put(entry.getKey(), entry.getValue().asText()));
                continue;
            }
            TensorInfo info = tensorInfo(file, field.getKey(), field.getValue());
            if (info.end() > dataSize) {
                throw new CheckpointException(file + ": tensor \"" + info.name() + "\" ends at byte " + info.end()
                        + " of a data section of " + dataSize + " bytes (truncated file?)");
            }
            tensors.put(info.name(), info);
        }
        return new SafeTensorsFile(
                file, channel, dataStart, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static TensorInfo tensorInfo(Path file, String name, JsonNode entry) {
        String where = file + ": tensor \"" + name + "\"";
        JsonNode dtype = entry.get("dtype");
        JsonNode shape = entry.get("shape");
        JsonNode offsets = entry.get("data_offsets");
        if (dtype == null
                || !dtype.isTextual()
                || shape == null
                || !shape.isArray()
                || offsets == null
                || !offsets.isArray()
                || offsets.size() != 2) {
            throw new CheckpointException(
                    where + ": needs \"dtype\" (string), \"shape\" (array) and" + " \"data_offsets\" ([begin, end])");
        }
        DType type = DType.ofSafetensorsName(dtype.asText(), where);
        long[] dimensions = new long[shape.size()];
        for (int i = 0; i < dimensions.length; i++) {
            if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) {
                throw new CheckpointException(where + ": shape " + shape + " has an invalid dimension");
            }
            dimensions[i] = shape.get(i).asLong();
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        TensorInfo info = new TensorInfo(name, file, type, dimensions, begin, end);
        if (begin < 0 || end < begin || end - begin != info.elementCount() * type.byteSize()) {
            throw new CheckpointException(where + ": data_offsets [" + begin + ", " + end + "] do not hold "
                    + info.elementCount() + " elements of " + type);
        }
        return info;
    }

    public Path file() {
        return file;
    }

    /** Tensors by name, sorted by name. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor's values widened to F32; integer tensors are rejected. */
    public float[] readFloats(String name) {
        TensorInfo info = info(name);
        if (!info.dtype().isFloatingPoint()) {
            throw new CheckpointException(file + ": tensor \"" + name + "\" has dtype " + info.dtype()
                    + "; weights must be F32, F16 or BF16");
        }
        long count = info.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(
                    file + ": tensor \"" + name + "\" has " + count + " elements, more than one Java array holds");
        }
        float[] values = new float[(int) count];
        // Read in slices so a multi-gigabyte tensor never needs a second full-size buffer.
        int elementsPerChunk = (int) Math.min(count, (1 << 24) / info.dtype().byteSize());
        ByteBuffer chunk = ByteBuffer.allocateDirect(
                        elementsPerChunk * info.dtype().byteSize())
                .order(ByteOrder.LITTLE_ENDIAN);
        int done = 0;
        while (done < count) {
            int n = (int) Math.min(elementsPerChunk, count - done);
            chunk.clear().limit(n * info.dtype().byteSize());
            readFully(
                    channel,
                    chunk,
                    dataStart + info.begin() + (long) done * info.dtype().byteSize());
            chunk.flip();
            switch (info.dtype()) {
                case F32 -> chunk.asFloatBuffer().get(values, done, n);
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        values[done + i] = FloatConversions.bf16ToFloat(chunk.getShort());
                    }
                }
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        values[done + i] = FloatConversions.f16ToFloat(chunk.getShort());
                    }
                }
                default -> throw new IllegalStateException("unreachable: " + info.dtype());
            }
            done += n;
        }
        return values;
    }

    public Tensor read(String name) {
        return new Tensor(info(name).shape(), readFloats(name));
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new CheckpointException(file + ": no tensor named \"" + name + "\"");
        }
        return info;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) {
        try {
            long at = position;
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, at);
                if (read < 0) {
                    throw new CheckpointException("unexpected end of file at byte " + at);
                }
                at += read;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Already failing with a more useful error.
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
