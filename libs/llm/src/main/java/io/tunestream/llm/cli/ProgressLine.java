package io.tunestream.llm.cli;

import io.tunestream.llm.training.StepMetrics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Training progress that fits where it goes. On a terminal: one bar redrawn in place each step. On a pipe or a log
 * file (no console, or {@code TERM=dumb}): one line every few seconds, and the last step, so that
 * {@code llm pretrain | tail} or a CI log holds a short history instead of thousands of carriage-return frames.
 */
final class ProgressLine implements Consumer<StepMetrics> {

    static final Duration PIPE_INTERVAL = Duration.ofSeconds(5);
    private static final int WIDTH = 24;

    private final PrintStream err;
    private final boolean terminal;
    private long lastPrinted = Long.MIN_VALUE;

    ProgressLine(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** Progress on standard error, redrawn when the session is a terminal. */
    static ProgressLine onStandardError() {
        String term = System.getenv("TERM");
        return new ProgressLine(
                System.err, System.console() != null && term != null && !term.isBlank() && !term.equals("dumb"));
    }

    @Override
    public void accept(StepMetrics metrics) {
        boolean last = metrics.step() == metrics.maxSteps();
        long eta = Math.round(metrics.secondsLeft());
        int done = (int) (WIDTH * metrics.step() / metrics.maxSteps());
        String line = String.format(
                "[%s%s] %d/%d loss %.4f lr %.2e %.0f tok/s eta %d:%02d",
                "#".repeat(done),
                ".".repeat(WIDTH - done),
                metrics.step(),
                metrics.maxSteps(),
                metrics.loss(),
                metrics.learningRate(),
                metrics.tokensPerSecond(),
                eta / 60,
                eta % 60);
        if (terminal) {
            err.print("\r" + line);
            if (last) {
                err.println();
            }
        } else {
            long now = System.nanoTime();
            if (last || lastPrinted == Long.MIN_VALUE || now - lastPrinted >= PIPE_INTERVAL.toNanos()) {
                err.println(line);
                lastPrinted = now;
            }
        }
        err.flush();
    }
}
