package io.tunestream.dataset.service;

import io.tunestream.platform.storage.Sha256;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;

/** A JSONL file being written before upload, with its sha256, size and line count computed on the way. */
final class JsonlSpool implements AutoCloseable {

    private final Path file;
    private final MessageDigest digest = Sha256.digest();
    private final OutputStream out;
    private long records;
    private long sizeBytes;
    private String sha256;

    JsonlSpool(Path file) throws IOException {
        this.file = file;
        this.out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), digest);
    }

    void writeLine(String json) throws IOException {
        byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(bytes);
        sizeBytes += bytes.length;
        records++;
    }

    Path file() {
        return file;
    }

    long records() {
        return records;
    }

    long sizeBytes() {
        return sizeBytes;
    }

    /** Valid after {@link #close()}. */
    String sha256() {
        return sha256;
    }

    @Override
    public void close() throws IOException {
        if (sha256 == null) {
            out.close();
            sha256 = Sha256.hex(digest);
        }
    }
}
