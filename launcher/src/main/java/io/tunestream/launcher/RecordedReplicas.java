package io.tunestream.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The replicas that {@code up --replicas SERVICE=N} asked for, kept in the home's {@code replicas.properties}: later
 * commands ({@code up}, {@code status}, {@code logs}, {@code down}) see the same stack without repeating the option,
 * so a plain {@code up} restarts a killed replica and {@code status} lists it. {@code SERVICE=1} removes the entry;
 * {@code down --purge} deletes the file with the rest of the home.
 */
final class RecordedReplicas {

    private RecordedReplicas() {}

    static Path file(StackLayout layout) {
        return layout.home().resolve("replicas.properties");
    }

    /** The recorded counts by service module (empty when none was recorded). */
    static Map<String, Integer> read(StackLayout layout) {
        Path file = file(layout);
        Map<String, Integer> replicas = new TreeMap<>();
        if (!Files.exists(file)) {
            return replicas;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        for (String module : properties.stringPropertyNames()) {
            String count = properties.getProperty(module).trim();
            try {
                replicas.put(module, Integer.parseInt(count));
            } catch (NumberFormatException e) {
                throw new LauncherException(file + ": '" + module + "=" + count
                        + "' is not a replica count; fix it or run ./tunestream up --replicas " + module + "=N");
            }
        }
        return replicas;
    }

    /** {@code settings} with the recorded replicas; a wrong entry fails with the file's name. */
    static StackSettings apply(StackLayout layout, StackSettings settings) {
        StackSettings scaled = settings;
        for (Map.Entry<String, Integer> entry : read(layout).entrySet()) {
            try {
                scaled = scaled.withReplicas(entry.getKey(), entry.getValue());
            } catch (IllegalArgumentException e) {
                throw new LauncherException(file(layout) + ": " + e.getMessage());
            }
        }
        return scaled;
    }

    /**
     * Checks {@code requested} against {@code settings} (an unknown service or count fails here, before anything is
     * written) and records it over what was recorded.
     */
    static void record(StackLayout layout, StackSettings settings, Map<String, Integer> requested) {
        for (Map.Entry<String, Integer> entry : requested.entrySet()) {
            try {
                settings.withReplicas(entry.getKey(), entry.getValue());
            } catch (IllegalArgumentException e) {
                throw new LauncherException(
                        "--replicas " + entry.getKey() + "=" + entry.getValue() + ": " + e.getMessage());
            }
        }
        Map<String, Integer> replicas = read(layout);
        replicas.putAll(requested);
        replicas.values().removeIf(count -> count == 1);
        Path file = file(layout);
        Properties properties = new Properties();
        replicas.forEach((module, count) -> properties.setProperty(module, String.valueOf(count)));
        try {
            Files.createDirectories(layout.home());
            try (Writer writer = Files.newBufferedWriter(file)) {
                properties.store(writer, "processes per service, written by ./tunestream up --replicas");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
