package io.tunestream.llm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunestream.llm.training.StepMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Not a model test: the progress output's shape on a terminal and on a pipe. */
class ProgressLineTest {

    @Test
    void aTerminalGetsOneBarRedrawnInPlaceAndALineBreakAtTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressLine progress = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);

        for (long step = 1; step <= 50; step++) {
            progress.accept(metrics(step, 50));
        }

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed.chars().filter(c -> c == '\r').count()).isEqualTo(50);
        assertThat(printed.chars().filter(c -> c == '\n').count()).isEqualTo(1);
        assertThat(printed).endsWith("50/50 loss 0.5000 lr 1.00e-03 1000 tok/s eta 0:00" + System.lineSeparator());
    }

    @Test
    void aPipeGetsTheFirstAndTheLastStepAsLinesAndNoCarriageReturn() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressLine progress = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);

        // Fifty steps well within one interval: the first line and the last step only.
        for (long step = 1; step <= 50; step++) {
            progress.accept(metrics(step, 50));
        }

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).doesNotContain("\r");
        assertThat(printed.lines().toList())
                .hasSize(2)
                .satisfiesExactly(
                        first -> assertThat(first).contains(" 1/50 "),
                        last -> assertThat(last).contains(" 50/50 "));
    }

    private static StepMetrics metrics(long step, long maxSteps) {
        return new StepMetrics(step, maxSteps, 0.5, 1e-3, 1.0, 1000, 0, Map.of());
    }
}
