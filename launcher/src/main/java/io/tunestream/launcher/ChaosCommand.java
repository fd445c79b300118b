package io.tunestream.launcher;

import io.tunestream.infra.PostgresAdmin;
import io.tunestream.launcher.chaos.ChaosRun;
import io.tunestream.launcher.chaos.LoopFixture;
import io.tunestream.launcher.chaos.LoopWorkload;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./tunestream chaos}: the chaos run on a stack of its own, for as long as asked. */
@Command(
        name = "chaos",
        description = {
            "Starts a stack of its own (free ports, fresh databases; the home's stack is not touched), keeps the loop"
                    + " busy with samples arriving on the bus, and SIGKILLs and restarts each component (Kafka, the"
                    + " object store, every service) in a seeded random order and at random moments, one at a time;"
                    + " then waits for the loop to settle and checks its invariants from the databases, the topics"
                    + " and the object store. The schedule and the seed are printed: --seed replays a run.",
            "PostgreSQL is not stopped: the machine's server is shared by every stack and test on it."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every invariant held",
            "1:an invariant was violated, the loop did not settle, or the stack failed",
            "2:bad options"
        })
final class ChaosCommand implements Callable<Integer> {

    /** One sample a second: the tiny model answers faster, so the loop keeps up and settles quickly at the end. */
    static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);
    /** Pairs per sealed version: a training job every minute or so. */
    static final int EVERY_NEW = 48;

    static final long CORPUS_SEED = 17;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--minutes",
            defaultValue = "30",
            description = "length of the chaos phase, at least 3 (default 30)")
    int minutes;

    @Option(names = "--seed", description = "the schedule's seed (default: drawn, and printed)")
    Long seed;

    @Override
    public Integer call() {
        if (minutes < 3) {
            // One kill of each of the seven components needs 20 s each (FaultSchedule.MIN_SLOT).
            throw new ParameterException(spec.commandLine(), "--minutes must be at least 3, got " + minutes);
        }
        long drawn = seed != null ? seed : new SecureRandom().nextLong();
        Duration length = Duration.ofMinutes(minutes);
        PrintStream out = System.out;
        Path work = temporaryDirectory("tunestream-chaos-");
        out.println("chaos: " + minutes + " min, seed " + drawn + "; state under " + work);
        LoopFixture fixture = LoopFixture.create(work, CORPUS_SEED, samplesFor(length));
        try (ChaosStack stack = new ChaosStack(
                repository(),
                work.resolve("home"),
                PostgresAdmin.local(),
                ChaosStack.settings("ts_chaos", fixture.modelDirectory().getParent()))) {
            stack.start();
            ChaosRun.Result result;
            try (LoopWorkload workload = new LoopWorkload(stack, fixture.samples(), "chaos")) {
                result = new ChaosRun(stack, out).run(workload, fixture.modelDirectory(), settings(drawn, length));
            }
            if (!result.passed()) {
                out.println(
                        "the stack's logs stay under " + stack.layout().home().resolve("logs"));
            }
            return result.passed() ? 0 : 1;
        }
    }

    static ChaosRun.Settings settings(long seed, Duration length) {
        return new ChaosRun.Settings(seed, length, SAMPLE_INTERVAL, EVERY_NEW, Duration.ofMinutes(10));
    }

    /** Enough samples for the feed to last the chaos phase and the minutes before it. */
    static int samplesFor(Duration length) {
        return (int) (length.plusMinutes(5).toSeconds() / SAMPLE_INTERVAL.toSeconds());
    }

    static Path repository() {
        return Path.of(System.getProperty(TunestreamCommand.REPOSITORY_PROPERTY, "."))
                .toAbsolutePath()
                .normalize();
    }

    static Path temporaryDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }
}
