package io.tunestream.infra;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starting and stopping the JVMs and servers of the local stack: output goes to a log file, and a stopped process
 * takes its descendants with it.
 */
public final class ChildProcess {

    private static final Duration GRACE = Duration.ofSeconds(15);
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private ChildProcess() {}

    /** The {@code java} executable of the running JVM, so children run on the same JDK. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The jar or class directory that holds {@code type}, to put it on a child's class path. */
    public static Path codeSourceOf(Class<?> type) {
        try {
            return Path.of(
                    type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException("cannot locate the code source of " + type.getName(), e);
        }
    }

    /** Builds a class path string from entries (jars, directories, or {@code dir/*} wildcards). */
    public static String classPath(List<String> entries) {
        return String.join(File.pathSeparator, entries);
    }

    /** Starts {@code command} with its stdout and stderr appended to {@code logFile}. */
    public static Process start(
            List<String> command, Path workingDirectory, Path logFile, Map<String, String> environment) {
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(environment);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts {@code command} like {@link #start}, in a session of its own ({@code setsid}), so that it outlives its
     * starter and a Ctrl-C in the starter's terminal does not reach it. The pid stays the command's own: a freshly
     * spawned child is not a process-group leader, so {@code setsid} runs the command in place instead of forking.
     */
    public static Process startDetached(
            List<String> command, Path workingDirectory, Path logFile, Map<String, String> environment) {
        List<String> detached = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            detached.add(SETSID.toString());
        }
        detached.addAll(command);
        return start(detached, workingDirectory, logFile, environment);
    }

    /** Stops a process and its descendants: SIGTERM, then SIGKILL for whatever is left after a grace period. */
    public static void stop(ProcessHandle process) {
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        family.add(0, process);
        family.forEach(ProcessHandle::destroy);
        for (ProcessHandle member : family) {
            try {
                member.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                member.destroyForcibly();
            }
        }
    }

    /** The live process with this pid, if it is one of ours (its command line contains {@code marker}). */
    public static Optional<ProcessHandle> findAlive(long pid, String marker) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(handle -> handle.info()
                        .commandLine()
                        .map(line -> line.contains(marker))
                        .orElse(false));
    }
}
