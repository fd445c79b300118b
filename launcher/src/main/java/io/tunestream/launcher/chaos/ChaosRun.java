package io.tunestream.launcher.chaos;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The chaos run: the loop busy with samples arriving on the bus while a seeded {@link FaultSchedule} SIGKILLs each
 * component in turn and starts it again; then the loop is given time to settle and the {@link Invariants} are checked.
 * The production alias is also checked after every restart, since it must hold at every moment.
 */
public final class ChaosRun {

    /**
     * @param seed draws the schedule; printed, so a failure is replayed with {@code --seed}
     * @param length the chaos phase: the schedule's faults are spread over it
     * @param sampleInterval the feed's pace
     * @param everyNew pairs per sealed version (each one a training job)
     * @param settleTimeout how long the loop may take to settle after the last fault
     */
    public record Settings(long seed, Duration length, Duration sampleInterval, int everyNew, Duration settleTimeout) {}

    /**
     * @param unsettled what was still moving when the settle timeout ran out, if anything
     * @param restarts seconds from each kill until the stack was ready again, by fault, in schedule order
     */
    public record Result(
            FaultSchedule schedule,
            Invariants.Report report,
            Optional<String> unsettled,
            List<Double> restarts,
            Duration wall) {

        public boolean passed() {
            return report.holds() && unsettled.isEmpty();
        }
    }

    /**
     * The fault that is not a process of the stack: its databases cut off ({@link ChaosTarget#cutDatabases()}), since
     * the machine's PostgreSQL server itself is shared and must not be stopped.
     */
    public static final String POSTGRESQL = "postgresql";

    private static final Duration FIRST_PAIR_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration SETTLE_POLL = Duration.ofSeconds(5);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

    private final ChaosTarget target;
    private final PrintStream out;

    public ChaosRun(ChaosTarget target, PrintStream out) {
        this.target = target;
        this.out = out;
    }

    public Result run(LoopWorkload workload, Path modelDirectory, Settings settings) {
        long started = System.nanoTime();
        List<String> faultTargets = new ArrayList<>(target.components());
        faultTargets.add(POSTGRESQL);
        FaultSchedule schedule = FaultSchedule.draw(
                settings.seed(),
                faultTargets,
                FaultSchedule.passesFor(settings.length(), faultTargets.size()),
                settings.length());
        schedule.describe().forEach(out::println);
        workload.setUp(modelDirectory, settings.everyNew());
        workload.startFeed(settings.sampleInterval());
        Invariants invariants = new Invariants(target);
        awaitFirstOutcome(workload);
        out.println("the loop runs (first outcome stored); the chaos phase starts");

        List<String> momentViolations = new ArrayList<>();
        List<Double> restarts = new ArrayList<>();
        long chaosStart = System.nanoTime();
        for (FaultSchedule.Fault fault : schedule.faults()) {
            sleepUntil(chaosStart + fault.at().toNanos());
            long killed = System.nanoTime();
            if (fault.component().equals(POSTGRESQL)) {
                target.cutDatabases();
                try {
                    sleep(fault.down());
                } finally {
                    target.restoreDatabases();
                }
            } else {
                target.kill(fault.component());
                sleep(fault.down());
            }
            // A component that exited although it was not killed (it could not bear the fault) is a finding; the
            // restart below would hide it.
            for (String component : target.components()) {
                if (!component.equals(fault.component())
                        && target.pid(component).isEmpty()) {
                    momentViolations.add(component + " exited on its own after the fault on " + fault.component());
                }
            }
            target.restart();
            double seconds = (System.nanoTime() - killed) / 1e9;
            restarts.add(seconds);
            out.printf(
                    Locale.ROOT,
                    "t+%6.1fs  fault on %-20s ready again after %.1fs; samples published %d%n",
                    (killed - chaosStart) / 1e9,
                    fault.component(),
                    seconds,
                    workload.published());
            invariants
                    .productionViolation()
                    .ifPresent(violation ->
                            momentViolations.add("after the kill of " + fault.component() + ": " + violation));
        }
        sleepUntil(chaosStart + settings.length().toNanos());
        workload.close();
        out.println("chaos phase over; " + workload.published() + " samples published; waiting for the loop to settle");

        Optional<String> unsettled = settle(invariants, workload, settings.settleTimeout());
        Invariants.Report report = invariants.check(workload);
        if (!momentViolations.isEmpty()) {
            List<String> violations = new ArrayList<>(momentViolations);
            violations.addAll(report.violations());
            report = new Invariants.Report(report.counts(), violations);
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        Result result = new Result(schedule, report, unsettled, restarts, wall);
        print(result);
        return result;
    }

    private void awaitFirstOutcome(LoopWorkload workload) {
        long deadline = System.nanoTime() + FIRST_PAIR_TIMEOUT.toNanos();
        while (target.query(
                        "dataset",
                        "select count(*) from preference_pair where pipeline_id = (select id from"
                                + " pipeline where name = '" + workload.pipeline() + "')")
                .trim()
                .equals("0")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no pair or drop within " + FIRST_PAIR_TIMEOUT.toSeconds()
                        + " s of the pipeline's creation: the loop does not run (see the services' logs)");
            }
            sleep(Duration.ofSeconds(2));
        }
    }

    private Optional<String> settle(Invariants invariants, LoopWorkload workload, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        Optional<String> unsettled;
        while (true) {
            try {
                unsettled = invariants.unsettled(workload);
            } catch (RuntimeException e) {
                unsettled = Optional.of("cannot look: " + e.getMessage());
            }
            if (unsettled.isEmpty() || System.nanoTime() > deadline) {
                return unsettled;
            }
            if (System.nanoTime() > nextProgress) {
                out.println("settling: " + unsettled.get());
                nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
            }
            sleep(SETTLE_POLL);
        }
    }

    private void print(Result result) {
        out.println();
        out.println("chaos run: seed " + result.schedule().seed() + ", "
                + result.schedule().faults().size() + " faults, wall "
                + result.wall().toSeconds() + " s");
        Map<String, Integer> kills = new LinkedHashMap<>();
        result.schedule().faults().forEach(fault -> kills.merge(fault.component(), 1, Integer::sum));
        out.println("kills by component: " + kills);
        result.unsettled().ifPresent(what -> out.println("NOT SETTLED when the settle timeout ran out: " + what));
        result.report().describe().forEach(out::println);
        out.println(
                result.passed()
                        ? "chaos run PASSED"
                        : "chaos run FAILED (replay: --seed "
                                + result.schedule().seed() + ")");
    }

    private static void sleepUntil(long nanoTime) {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            sleep(Duration.ofNanos(left));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
