package io.tunestream.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The local stack's secrets, generated on the first {@code up} and reused afterwards (the databases and the object
 * store keep data that only these credentials open). Stored owner-readable only; never committed.
 */
public final class Credentials {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final Properties values = new Properties();

    private Credentials(Path file) {
        this.file = file;
    }

    public static Credentials loadOrCreate(Path file) {
        Credentials credentials = new Credentials(file);
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                credentials.values.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return credentials;
    }

    /** The secret named {@code key}, generated (and saved) the first time it is asked for. */
    public synchronized String secret(String key) {
        String value = values.getProperty(key);
        if (value == null) {
            byte[] bytes = new byte[18];
            RANDOM.nextBytes(bytes);
            value = HexFormat.of().formatHex(bytes);
            values.setProperty(key, value);
            save();
        }
        return value;
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            try (Writer writer = Files.newBufferedWriter(file)) {
                values.store(
                        writer, "Secrets of the local Tunestream stack; delete with the data under this directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
