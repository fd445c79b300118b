package io.tunestream.launcher.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The soak: the loop kept busy for a long time with no faults, sampling once per interval each service's resident
 * memory (RSS) and open file descriptors (from {@code /proc}), the database connections of each of the stack's
 * databases ({@code pg_stat_activity}) and the consumer lag of each group; printed as a table at the end, with a
 * trend verdict per series ({@link Trend}) and the invariants checked once the loop settled.
 */
public final class SoakRun {

    /** Growth across the window, as a fraction of the mean, above which a series is called a trend. */
    static final double TOLERANCE = 0.2;

    /**
     * @param length how long the loop runs
     * @param every the sampling interval (a minute for the hour-long soak)
     * @param sampleInterval the feed's pace
     * @param everyNew pairs per sealed version
     * @param settleTimeout how long the loop may take to settle at the end
     */
    public record Settings(
            Duration length, Duration every, Duration sampleInterval, int everyNew, Duration settleTimeout) {}

    /**
     * @param minutes the minute of each sample since the soak began
     * @param series each sampled quantity ("rss MiB dataset-service", ...) with one value per sample
     * @param trends the verdict per series, where there were enough samples
     */
    public record Result(
            List<Double> minutes,
            Map<String, List<Double>> series,
            Map<String, Trend.Verdict> trends,
            Invariants.Report report,
            Optional<String> unsettled) {

        /** Passed: no RSS, descriptor or connection series grows (lag may come and go), the loop settled, and the invariants hold. */
        public boolean passed() {
            boolean leaking = trends.entrySet().stream()
                    .anyMatch(entry -> !entry.getKey().startsWith("lag")
                            && entry.getValue().growing());
            return !leaking && report.holds() && unsettled.isEmpty();
        }
    }

    private final ChaosTarget target;
    private final PrintStream out;

    public SoakRun(ChaosTarget target, PrintStream out) {
        this.target = target;
        this.out = out;
    }

    public Result run(LoopWorkload workload, Path modelDirectory, Settings settings) {
        workload.setUp(modelDirectory, settings.everyNew());
        workload.startFeed(settings.sampleInterval());
        long started = System.nanoTime();
        List<Double> minutes = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        long next = started;
        while (System.nanoTime() - started <= settings.length().toNanos()) {
            sleepUntil(next);
            double minute = (System.nanoTime() - started) / 60e9;
            Map<String, Double> sample = sample();
            minutes.add(minute);
            int index = minutes.size() - 1;
            sample.forEach((name, value) -> {
                List<Double> values = series.computeIfAbsent(name, key -> new ArrayList<>());
                // A series first seen late (a consumer group created mid-run) is padded with zeros before it.
                while (values.size() < index) {
                    values.add(0.0);
                }
                values.add(value);
            });
            out.printf(Locale.ROOT, "soak minute %.1f: %s%n", minute, sample);
            next += settings.every().toNanos();
        }
        workload.close();
        Invariants invariants = new Invariants(target);
        Optional<String> unsettled = settle(invariants, workload, settings.settleTimeout());
        Invariants.Report report = invariants.check(workload);
        Map<String, Trend.Verdict> trends = new LinkedHashMap<>();
        series.forEach((name, values) -> Trend.of(values, TOLERANCE).ifPresent(verdict -> trends.put(name, verdict)));
        Result result = new Result(minutes, series, trends, report, unsettled);
        print(result);
        return result;
    }

    /** One sample of every series. */
    Map<String, Double> sample() {
        Map<String, Double> sample = new LinkedHashMap<>();
        for (String service : target.services()) {
            Optional<Long> pid = target.pid(service);
            sample.put("rss MiB " + service, pid.map(SoakRun::rssMebibytes).orElse(Double.NaN));
            sample.put("fds " + service, pid.map(SoakRun::openDescriptors).orElse(Double.NaN));
        }
        for (String area : List.of("dataset", "training", "registry", "gateway")) {
            String database = target.databaseName(area);
            String count = target.queryServer(
                            "select count(*) from pg_stat_activity where datname = '" + database + "'")
                    .trim();
            sample.put("db connections " + area, Double.parseDouble(count));
        }
        try {
            ConsumerLag.byGroup(target.bootstrapServers())
                    .forEach((group, lag) -> sample.put("lag " + group, (double) lag));
        } catch (IllegalStateException e) {
            out.println("soak: no lag this minute: " + e.getMessage());
        }
        return sample;
    }

    static double rssMebibytes(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", String.valueOf(pid), "status"))) {
            return lines.filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> line.replaceAll("[^0-9]", ""))
                    .mapToDouble(kibibytes -> Long.parseLong(kibibytes) / 1024.0)
                    .findFirst()
                    .orElse(Double.NaN);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static double openDescriptors(long pid) {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return descriptors.count();
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private Optional<String> settle(Invariants invariants, LoopWorkload workload, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> unsettled;
            try {
                unsettled = invariants.unsettled(workload);
            } catch (RuntimeException e) {
                unsettled = Optional.of("cannot look: " + e.getMessage());
            }
            if (unsettled.isEmpty() || System.nanoTime() > deadline) {
                return unsettled;
            }
            sleepUntil(System.nanoTime() + Duration.ofSeconds(5).toNanos());
        }
    }

    private void print(Result result) {
        out.println();
        out.println("soak: " + result.minutes().size() + " samples over "
                + String.format(
                        Locale.ROOT,
                        "%.1f",
                        result.minutes().get(result.minutes().size() - 1)) + " minutes");
        // One line per series (the per-minute values were printed as they were taken): a 60-minute soak has 61
        // samples, too many columns for a terminal.
        String format = "%-46s %10s %10s %10s %10s  %s%n";
        out.printf(format, "series", "first", "min", "max", "last", "trend");
        result.series().forEach((name, values) -> {
            Trend.Verdict verdict = result.trends().get(name);
            out.printf(
                    format,
                    name,
                    number(values.get(0)),
                    number(values.stream()
                            .mapToDouble(Double::doubleValue)
                            .min()
                            .orElse(Double.NaN)),
                    number(values.stream()
                            .mapToDouble(Double::doubleValue)
                            .max()
                            .orElse(Double.NaN)),
                    number(values.get(values.size() - 1)),
                    verdict == null ? "too short for a trend" : verdict.describe());
        });
        result.unsettled().ifPresent(what -> out.println("NOT SETTLED at the end: " + what));
        result.report().describe().forEach(out::println);
        out.println(result.passed() ? "soak PASSED" : "soak FAILED");
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static void sleepUntil(long nanoTime) {
        long left = nanoTime - System.nanoTime();
        if (left <= 0) {
            return;
        }
        try {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
