package io.tunestream.launcher;

import io.tunestream.infra.PostgresAdmin;
import io.tunestream.launcher.cli.ApiCommand;
import io.tunestream.launcher.cli.PlatformCommands;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./tunestream}: the local stack on one machine, without Docker. */
@Command(
        name = "tunestream",
        mixinStandardHelpOptions = true,
        version = "Tunestream 0.1.0",
        description = {
            "Runs the Tunestream platform on this machine (demo, up, status, logs, down) and talks to it through the"
                    + " gateway (models, versions, promote, rollback, datasets, upload, pipelines, pipeline, jobs, job,"
                    + " chat, keys).",
            "Platform commands' exit codes: " + ApiCommand.EXIT_CODES_TEXT
        },
        subcommands = {
            TunestreamCommand.Up.class,
            TunestreamCommand.Status.class,
            TunestreamCommand.Logs.class,
            TunestreamCommand.Down.class,
            DemoCommand.class,
            ChaosCommand.class,
            SoakCommand.class,
            PlatformCommands.Models.class,
            PlatformCommands.Versions.class,
            PlatformCommands.Promote.class,
            PlatformCommands.Rollback.class,
            PlatformCommands.Datasets.class,
            PlatformCommands.Upload.class,
            PlatformCommands.Pipelines.class,
            PlatformCommands.Pipeline.class,
            PlatformCommands.Jobs.class,
            PlatformCommands.Job.class,
            PlatformCommands.Chat.class,
            PlatformCommands.Keys.class
        })
public final class TunestreamCommand {

    /** Set by the {@code tunestream} script: the repository root. */
    static final String REPOSITORY_PROPERTY = "tunestream.repository";

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every command, and failures told in one line. */
    static CommandLine commandLine() {
        return new CommandLine(new TunestreamCommand()).setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            // Every failure here is about the machine (a port, a missing jar, PostgreSQL, a crashed process):
            // its message says what to do, a stack trace would only bury it. TUNESTREAM_DEBUG=true shows it.
            cmd.getErr().println("tunestream: " + exception.getMessage());
            if ("true".equals(System.getenv("TUNESTREAM_DEBUG"))) {
                exception.printStackTrace(cmd.getErr());
            }
            return 1;
        });
    }

    /** The home's stack: the default ports, the home's databases, and the replicas an earlier up recorded. */
    static Stack stack() {
        StackLayout layout = layout();
        return new Stack(layout, PostgresAdmin.local(), RecordedReplicas.apply(layout, defaultSettings(layout)));
    }

    private static StackSettings defaultSettings(StackLayout layout) {
        return StackSettings.defaults().withDatabasePrefix(layout.databasePrefix());
    }

    static StackLayout layout() {
        return StackLayout.fromEnvironment(Path.of(System.getProperty(REPOSITORY_PROPERTY, "."))
                .toAbsolutePath()
                .normalize());
    }

    static void printTable(Stack stack, PrintStream out) {
        String format = "%-20s %-8s %-26s %s%n";
        out.printf(format, "COMPONENT", "PID", "URL", "HEALTH");
        for (Component component : stack.components()) {
            Optional<ProcessHandle> process = stack.running(component);
            String health = process.isEmpty() ? "stopped" : component.probe().description();
            out.printf(
                    format,
                    component.name(),
                    process.map(p -> String.valueOf(p.pid())).orElse("-"),
                    component.url(),
                    health);
        }
    }

    @Command(
            name = "up",
            description =
                    "Starts what is not running (Kafka, object store, databases, services) and waits until all are ready.")
    static final class Up implements Callable<Integer> {

        @Option(
                names = "--replicas",
                paramLabel = "SERVICE=N",
                description = "run N processes of SERVICE (generation-service or training-service, N from 1 to "
                        + StackSettings.MAX_REPLICAS + "), each with its own port (the service's + 10, + 20, ...),"
                        + " log and pid (SERVICE-2, SERVICE-3, ...), sharing the service's consumer group or job queue;"
                        + " repeatable. Recorded in the home, so later up, status, logs and down see them;"
                        + " SERVICE=1 goes back to one process (up stops the others)")
        Map<String, Integer> replicas = new LinkedHashMap<>();

        @Override
        public Integer call() {
            if (!replicas.isEmpty()) {
                StackLayout layout = layout();
                RecordedReplicas.record(layout, defaultSettings(layout), replicas);
            }
            Stack stack = stack();
            long started = System.nanoTime();
            if (!stack.up(System.out)) {
                System.out.println("Tunestream is already running; nothing was started.");
                printTable(stack, System.out);
                return 0;
            }
            System.out.printf("Tunestream is up (%.1f s).%n", (System.nanoTime() - started) / 1e9);
            printTable(stack, System.out);
            return 0;
        }
    }

    @Command(name = "status", description = "Prints each component with its pid, URL and health.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() {
            printTable(stack(), System.out);
            return 0;
        }
    }

    @Command(
            name = "down",
            description = "Stops the processes that 'up' started, and nothing else; data is kept unless --purge.")
    static final class Down implements Callable<Integer> {

        @Option(
                names = "--purge",
                description = "also delete this home's state: its databases, Kafka's and the object store's data, logs"
                        + " and credentials (the cached bootstrap model under cache/ is kept)")
        boolean purge;

        @Override
        public Integer call() {
            Stack stack = stack();
            List<String> stopped = purge ? stack.purge() : stack.down();
            System.out.println(
                    stopped.isEmpty() ? "Tunestream was not running." : "stopped: " + String.join(", ", stopped));
            if (purge) {
                System.out.println("purged " + layout().home() + " and its databases " + stack.databaseNames()
                        + "; the next up starts fresh");
            }
            return 0;
        }
    }

    @Command(name = "logs", description = "Prints the end of a component's log, and follows it with --follow.")
    static final class Logs implements Callable<Integer> {

        @Parameters(
                index = "0",
                description =
                        "kafka, object-store, gateway, dataset-service, generation-service, training-service or registry-service,"
                                + " or a replica started by up --replicas (generation-service-2, ...)")
        String component;

        @Option(
                names = {"-n", "--lines"},
                defaultValue = "100",
                description = "how many lines to print from the end (default: ${DEFAULT-VALUE})")
        int lines;

        @Option(
                names = {"-f", "--follow"},
                description = "keep printing what the component writes")
        boolean follow;

        @Override
        public Integer call() throws IOException, InterruptedException {
            Stack stack = stack();
            if (stack.component(component).isEmpty()) {
                throw new LauncherException("no component named '" + component + "'; expected one of "
                        + stack.components().stream().map(Component::name).toList());
            }
            Path log = layout().logFile(component);
            if (!Files.exists(log)) {
                throw new LauncherException(component + " has no log yet (" + log + "): it was never started");
            }
            long position = printTail(log, lines);
            while (follow) {
                position = printAddedSince(log, position);
                Thread.sleep(Duration.ofMillis(300).toMillis());
            }
            return 0;
        }

        /** Prints the last {@code lines} lines and returns the size of the log it read. */
        private static long printTail(Path log, int lines) throws IOException {
            long size = Files.size(log);
            Deque<String> tail = new ArrayDeque<>();
            // An InputStreamReader replaces malformed bytes instead of failing on them, as a log may hold anything.
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(Files.newInputStream(log), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    tail.addLast(line);
                    if (tail.size() > lines) {
                        tail.removeFirst();
                    }
                }
            }
            tail.forEach(System.out::println);
            return size;
        }

        /** Prints what was appended after {@code position}; a log that shrank (rotated) is printed from its start. */
        private static long printAddedSince(Path log, long position) throws IOException {
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                long length = file.length();
                long from = length < position ? 0 : position;
                if (length > from) {
                    file.seek(from);
                    byte[] added = new byte[(int) (length - from)];
                    file.readFully(added);
                    System.out.print(new String(added, StandardCharsets.UTF_8));
                    System.out.flush();
                }
                return length;
            }
        }
    }
}
