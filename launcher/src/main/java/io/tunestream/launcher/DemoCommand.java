package io.tunestream.launcher;

import io.tunestream.infra.PostgresAdmin;
import io.tunestream.launcher.cli.GatewayClient;
import io.tunestream.launcher.cli.LiveLine;
import io.tunestream.launcher.demo.DemoSettings;
import io.tunestream.launcher.demo.LoopDemo;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./tunestream demo}: the platform's main job on the local stack, watched live. */
@Command(
        name = "demo",
        description = {
            "Runs the continuous fine-tuning loop end to end on the local stack: starts it (or uses the running one),"
                    + " bootstraps a tiny model once (cached under the home), imports it, registers an evaluation set,"
                    + " publishes samples on the bus, creates a dpo pipeline and shows K rounds live.",
            "Ctrl-C stops the demo and leaves the stack running."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the rounds ran (whatever the gate decided)",
            "1:the stack or the loop failed (the message says where to look)",
            "2:bad options",
            "3:this home already ran a demo: ./tunestream down --purge for a fresh one"
        })
final class DemoCommand implements Callable<Integer> {

    static final int ALREADY_RUN = 3;

    private static final String ONE_ENGINE_THREAD =
            "-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1";

    @Option(names = "--rounds", description = "candidates to decide (default: 3, with --quick 1)")
    Integer rounds;

    @Option(
            names = "--quick",
            description = "a smaller bootstrap and one round (measured on a busy 2-core machine: a 5-minute bootstrap,"
                    + " once, then 6 to 8 minutes)")
    boolean quick;

    private Stack stack;
    private Path bootstrapCache;
    private PrintStream out = System.out;
    private boolean terminal = LiveLine.isTerminal();
    private LoopDemo.Result result;

    /** The demo on the home's stack (made when it runs, not when the command line is parsed), on standard output. */
    DemoCommand() {}

    /** The demo on a given stack; {@code bootstrapCache} keeps the bootstrapped model (a home's cache by default). */
    DemoCommand(Stack stack, Path bootstrapCache, PrintStream out, boolean terminal) {
        this.stack = stack;
        this.bootstrapCache = bootstrapCache;
        this.out = out;
        this.terminal = terminal;
    }

    /** What the last run did, or null. */
    LoopDemo.Result result() {
        return result;
    }

    @Override
    public Integer call() throws IOException {
        DemoSettings settings = quick ? DemoSettings.quick() : DemoSettings.standard();
        if (rounds != null) {
            settings = settings.withRounds(rounds);
        }
        if (stack == null) {
            StackLayout layout = TunestreamCommand.layout();
            bootstrapCache = layout.cacheDirectory("bootstrap");
            stack = new Stack(
                    layout,
                    PostgresAdmin.local(),
                    withOneEngineThread(StackSettings.defaults().withDatabasePrefix(layout.databasePrefix())));
        }
        Stack stack = this.stack;
        AtomicBoolean finished = new AtomicBoolean();
        Thread interrupted = new Thread(() -> {
            if (!finished.get()) {
                out.println();
                out.println("demo stopped; the stack keeps running (./tunestream status, ./tunestream down;"
                        + " the dashboard at " + gatewayUrl(stack) + "/)");
            }
        });
        Runtime.getRuntime().addShutdownHook(interrupted);
        try {
            result = run(stack, bootstrapCache, settings, out, terminal);
            return 0;
        } catch (LoopDemo.AlreadyRunException e) {
            out.println("tunestream demo: " + e.getMessage());
            return ALREADY_RUN;
        } finally {
            finished.set(true);
            Runtime.getRuntime().removeShutdownHook(interrupted);
        }
    }

    /** Starts what is missing of {@code stack} and runs the demo on it; what {@code DemoIT} runs too. */
    static LoopDemo.Result run(
            Stack stack, Path bootstrapCache, DemoSettings settings, PrintStream out, boolean terminal)
            throws IOException {
        out.println("Tunestream demo: the continuous fine-tuning loop, " + settings.rounds() + " round"
                + (settings.rounds() == 1 ? "" : "s") + " on this machine");
        long started = System.nanoTime();
        if (stack.up(out)) {
            out.printf("the stack is up (%.1f s)%n", (System.nanoTime() - started) / 1e9);
        } else {
            out.println("the stack is already running: using it");
        }
        GatewayClient gateway = new GatewayClient(URI.create(gatewayUrl(stack)), stack.adminKey());
        String model = System.getenv().getOrDefault("TUNESTREAM_GENERATION_MODEL", "tiny-llama");
        String prefix = System.getenv().getOrDefault("TUNESTREAM_TOPIC_PREFIX", "tunestream");
        LoopDemo.Result result = new LoopDemo(
                        gateway,
                        "127.0.0.1:" + stack.settings().kafkaPort(),
                        prefix,
                        settings,
                        model,
                        bootstrapCache,
                        out,
                        terminal)
                .run();
        out.println();
        out.println("Where to look next (the stack keeps running):");
        out.println("  dashboard        " + gatewayUrl(stack) + "/");
        out.println("  the CLI          ./tunestream models | versions " + model + " | jobs | pipelines | datasets");
        out.println("                   ./tunestream chat " + model + "   (talk to the production version)");
        out.println("                   ./tunestream rollback " + model + " | promote " + model + " VERSION");
        out.println("  logs             ./tunestream logs training-service -f");
        out.println("  stop             ./tunestream down   (--purge deletes this home's data and databases)");
        return result;
    }

    /**
     * The stack's services with one PyTorch thread each. The demo's model is tiny: an operation's work is too small to
     * share between threads, and the generation-service and the training-service run at the same time on the same
     * cores. Measured on the 2-core build machine under load: pretraining ran at 2,000 tok/s with one thread and at
     * 179 tok/s with two (their OpenMP threads wait for each other while the other is descheduled).
     */
    static StackSettings withOneEngineThread(StackSettings settings) {
        StackSettings result = settings;
        for (String module : settings.servicePorts().keySet()) {
            result = result.withEnvironment(module, Map.of("JAVA_TOOL_OPTIONS", ONE_ENGINE_THREAD));
        }
        // A quarter of each round's pairs is the validation split the training job picks its checkpoint on (the
        // default tenth is a dozen questions in a demo round: too few to tell a better step from the start).
        return result.withEnvironment("dataset-service", Map.of("TUNESTREAM_DATASET_SEALING_EVAL_FRACTION", "0.25"));
    }

    static String gatewayUrl(Stack stack) {
        return "http://127.0.0.1:" + stack.settings().servicePorts().get("gateway");
    }
}
