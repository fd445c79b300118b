package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunestream.infra.PostgresAdmin;
import io.tunestream.launcher.chaos.ChaosRun;
import io.tunestream.launcher.chaos.FaultSchedule;
import io.tunestream.launcher.chaos.LoopFixture;
import io.tunestream.launcher.chaos.LoopWorkload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos run, bounded for the suite: the five packaged services, the broker and the object store on a stack of
 * their own; the loop busy with samples arriving on the bus while a seeded schedule SIGKILLs each component once, at
 * a random moment, and starts it again, and cuts the stack's databases off for a few seconds (the machine's
 * PostgreSQL is shared, so it is not stopped); then every invariant of {@code Invariants} holds once the loop settled.
 * {@code -Dtunestream.chaos.seed=S} replays another schedule; {@code ./tunestream chaos --minutes N} runs longer.
 */
class ChaosIT {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    /** The suite's schedule: fixed, so that a failure in CI is replayed as it happened. */
    private static final long DEFAULT_SEED = 19L;
    /** Seven processes and the databases' outage, one fault each, a 20-second slot each. */
    private static final Duration CHAOS_PHASE = Duration.ofSeconds(160);

    @TempDir
    Path work;

    private ChaosStack stack;

    @AfterEach
    void stopAndDropDatabases() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theLoopKeepsEveryInvariantAcrossAKillOfEachComponent() {
        long seed = Long.getLong("tunestream.chaos.seed", DEFAULT_SEED);
        LoopFixture fixture = LoopFixture.create(work, ChaosCommand.CORPUS_SEED, 300);
        stack = new ChaosStack(
                REPOSITORY,
                work.resolve("home"),
                PostgresAdmin.local(),
                ChaosStack.settings("ts_chaos", fixture.modelDirectory().getParent()));
        stack.start();

        ChaosRun.Result result;
        try (LoopWorkload workload = new LoopWorkload(stack, fixture.samples(), "chaos")) {
            result = new ChaosRun(stack, System.out)
                    .run(
                            workload,
                            fixture.modelDirectory(),
                            new ChaosRun.Settings(
                                    seed, CHAOS_PHASE, Duration.ofMillis(500), 32, Duration.ofMinutes(5)));
        }

        Set<String> killed = result.schedule().faults().stream()
                .map(FaultSchedule.Fault::component)
                .collect(Collectors.toSet());
        List<String> everyTarget = new ArrayList<>(stack.components());
        everyTarget.add(ChaosRun.POSTGRESQL);
        assertThat(killed)
                .as("every component killed, and the databases cut off, at least once")
                .containsExactlyInAnyOrderElementsOf(everyTarget);
        String report = String.join("\n", result.report().describe())
                + result.unsettled().map(what -> "\nnot settled: " + what).orElse("");
        assertThat(result.unsettled()).as(report).isEmpty();
        assertThat(result.report().violations()).as(report).isEmpty();
        assertThat(result.report().counts().get("pairs")
                        + result.report().counts().get("drops"))
                .as("the loop made outcomes: " + report)
                .isPositive();
        assertThat(result.report().counts().get("dataset versions sealed"))
                .as("the loop sealed versions for training: " + report)
                .isPositive();
    }
}
