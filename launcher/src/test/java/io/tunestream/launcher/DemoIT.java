package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunestream.infra.PostgresAdmin;
import io.tunestream.launcher.demo.LoopDemo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ./tunestream demo --quick} on a stack of its own (free ports, a fresh home, fresh databases), then the
 * platform CLI on the stack the demo left running, through the gateway. One stack for both: the demo is the setup the
 * CLI's commands need (a model with versions, datasets, a pipeline, jobs), and a stack costs a minute on 2 cores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoIT {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();

    private final PostgresAdmin postgres = PostgresAdmin.local();
    private Path home;
    private StackSettings settings;
    private StackLayout layout;
    private Stack stack;

    @BeforeAll
    void newHome() throws IOException {
        home = Files.createTempDirectory("tunestream-demo-it");
        settings = TestStacks.freeSettings("ts_demo");
        layout = new StackLayout(REPOSITORY, home);
        stack = new Stack(layout, postgres, settings);
    }

    @AfterAll
    void stopAndDropDatabases() {
        TestStacks.tearDown(stack, postgres, settings);
    }

    @Test
    @Order(1)
    void theQuickDemoEndsWithAProductionModelBetterThanItsStart() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(captured, System.out), true, StandardCharsets.UTF_8);
        DemoCommand demo = new DemoCommand(stack, layout, out, false);

        int exit = new picocli.CommandLine(demo).execute("--quick");

        String printed = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        LoopDemo.Result result = demo.result();
        assertThat(result.rounds()).isNotEmpty();
        assertThat(result.rounds())
                .anySatisfy(round -> assertThat(round.promoted()).isTrue());
        assertThat(result.productionAccuracy())
                .as("production accuracy on the gate's questions after the last promoted round vs the start")
                .isGreaterThan(result.startAccuracy());
        assertThat(printed)
                .contains("[5/5]", "Summary", "decision: PROMOTED", "dashboard", "the stack keeps running")
                .doesNotContain("\r");
    }

    @Test
    @Order(2)
    void aSecondDemoOnTheSameHomeSaysHowToStartFreshAndExitsWithThree() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

        int exit = new picocli.CommandLine(new DemoCommand(stack, layout, out, false)).execute("--quick");

        assertThat(exit).isEqualTo(DemoCommand.ALREADY_RUN);
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("already has the model", "./tunestream down --purge");
    }

    /** Writes to two streams: the test reads what the demo printed, the build log shows it. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }
}
