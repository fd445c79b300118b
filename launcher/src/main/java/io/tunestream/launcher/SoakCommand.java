package io.tunestream.launcher;

import io.tunestream.infra.PostgresAdmin;
import io.tunestream.launcher.chaos.LoopFixture;
import io.tunestream.launcher.chaos.LoopWorkload;
import io.tunestream.launcher.chaos.SoakRun;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./tunestream soak}: the loop for a long time on a stack of its own, its resources sampled every minute. */
@Command(
        name = "soak",
        description = {
            "Starts a stack of its own (free ports, fresh databases), keeps the loop busy with samples arriving on the"
                    + " bus for --minutes, and samples every minute each service's RSS and open file descriptors, the"
                    + " connections to each of its databases (pg_stat_activity) and each consumer group's lag; prints"
                    + " them as a table with a trend verdict per series, then checks the loop's invariants."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:no RSS, descriptor or connection series grows, the loop settled and every invariant held",
            "1:such a series grows, an invariant was violated, the loop did not settle, or the stack failed",
            "2:bad options"
        })
final class SoakCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--minutes", defaultValue = "60", description = "how long the loop runs (default 60)")
    int minutes;

    @Option(names = "--every", defaultValue = "60", description = "seconds between samples (default 60)")
    int everySeconds;

    @Override
    public Integer call() {
        if (minutes < 1) {
            throw new ParameterException(spec.commandLine(), "--minutes must be at least 1, got " + minutes);
        }
        if (everySeconds < 5) {
            throw new ParameterException(spec.commandLine(), "--every must be at least 5 seconds, got " + everySeconds);
        }
        Duration length = Duration.ofMinutes(minutes);
        PrintStream out = System.out;
        Path work = ChaosCommand.temporaryDirectory("tunestream-soak-");
        out.println("soak: " + minutes + " min, a sample every " + everySeconds + " s; state under " + work);
        LoopFixture fixture = LoopFixture.create(work, ChaosCommand.CORPUS_SEED, ChaosCommand.samplesFor(length));
        try (ChaosStack stack = new ChaosStack(
                ChaosCommand.repository(),
                work.resolve("home"),
                PostgresAdmin.local(),
                ChaosStack.settings("ts_soak", fixture.modelDirectory().getParent()))) {
            stack.start();
            SoakRun.Result result;
            try (LoopWorkload workload = new LoopWorkload(stack, fixture.samples(), "soak")) {
                result = new SoakRun(stack, out)
                        .run(
                                workload,
                                fixture.modelDirectory(),
                                new SoakRun.Settings(
                                        length,
                                        Duration.ofSeconds(everySeconds),
                                        ChaosCommand.SAMPLE_INTERVAL,
                                        ChaosCommand.EVERY_NEW,
                                        Duration.ofMinutes(10)));
            }
            return result.passed() ? 0 : 1;
        }
    }
}
