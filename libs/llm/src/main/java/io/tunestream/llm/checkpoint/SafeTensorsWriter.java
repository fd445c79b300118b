package io.tunestream.llm.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes a safetensors file the way the reference implementation does: tensors sorted by name, the JSON header padded
 * with spaces to a multiple of 8 bytes (so the data is aligned), {@code __metadata__ {"format": "pt"}} so PyTorch
 * loaders accept it, F32 or BF16 data (BF16 rounded to nearest even). The file appears atomically (temp file + move).
 */
public final class SafeTensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensorsWriter() {}

    public static void write(Path file, Map<String, Tensor> tensors, DType storedAs) {
        write(file, tensors, storedAs, Map.of("format", "pt"));
    }

    public static void write(Path file, Map<String, Tensor> tensors, DType storedAs, Map<String, String> metadata) {
        if (storedAs != DType.F32 && storedAs != DType.BF16) {
            throw new CheckpointException(file + ": cannot write dtype " + storedAs + " (supported: F32, BF16)");
        }
        SortedMap<String, Tensor> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        new TreeMap<>(metadata).forEach(meta::put);
        long offset = 0;
        for (Map.Entry<String, Tensor> entry : sorted.entrySet()) {
            long bytes = (long) entry.getValue().data().length * storedAs.byteSize();
            ObjectNode info = header.putObject(entry.getKey());
            info.put("dtype", storedAs.name());
            var shape = info.putArray("shape");
            for (long dimension : entry.getValue().shape()) {
                shape.add(dimension);
            }
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes = headerBytes(header);
        Path temporary = file.resolveSibling(file.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            ByteBuffer length =
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length);
            out.write(length.array());
            out.write(headerBytes);
            for (Tensor tensor : sorted.values()) {
                writeData(out, tensor.data(), storedAs);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // The write error below is the one to report.
            }
            throw new UncheckedIOException("cannot write " + file, e);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + temporary + " to " + file, e);
        }
    }

    private static byte[] headerBytes(ObjectNode header) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] bytes = new byte[padded];
        System.arraycopy(json, 0, bytes, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            bytes[i] = ' ';
        }
        return bytes;
    }

    private static void writeData(OutputStream out, float[] data, DType storedAs) throws IOException {
        int chunkElements = 1 << 20;
        ByteBuffer buffer =
                ByteBuffer.allocate(chunkElements * storedAs.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < data.length; start += chunkElements) {
            int end = Math.min(data.length, start + chunkElements);
            buffer.clear();
            for (int i = start; i < end; i++) {
                if (storedAs == DType.F32) {
                    buffer.putFloat(data[i]);
                } else {
                    buffer.putShort(FloatConversions.floatToBf16(data[i]));
                }
            }
            out.write(buffer.array(), 0, buffer.position());
        }
    }
}
