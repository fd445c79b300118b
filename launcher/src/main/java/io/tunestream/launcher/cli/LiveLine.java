package io.tunestream.launcher.cli;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A status line that fits where the output goes. On a terminal it is redrawn in place ({@code \r} and erase to the
 * end of the line) as often as it changes; on a pipe or a log file (no console, or {@code TERM=dumb}) it is printed as
 * a line of its own at most once every few seconds, and only when it changed, so a log holds a readable history
 * instead of thousands of frames. Lines printed with {@link #println} stay above it.
 */
public final class LiveLine {

    /** How often a pipe gets a status line while it keeps changing. */
    public static final Duration PIPE_INTERVAL = Duration.ofSeconds(5);

    private final PrintStream out;
    private final boolean terminal;
    private String shown = "";
    private String lastPrinted = "";
    private long lastPrintedAt;

    public LiveLine(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A live line on standard output, redrawn when it is a terminal. */
    public static LiveLine onStandardOutput() {
        return new LiveLine(System.out, isTerminal());
    }

    /** Whether standard output is a terminal that understands carriage returns and erasing. */
    public static boolean isTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.isBlank() && !term.equals("dumb");
    }

    public boolean terminal() {
        return terminal;
    }

    /** Shows {@code status} as the current state. */
    public synchronized void status(String status) {
        if (terminal) {
            if (!status.equals(shown)) {
                out.print("\r\033[K" + status);
                out.flush();
                shown = status;
            }
            return;
        }
        long now = System.nanoTime();
        if (!status.equals(lastPrinted) && now - lastPrintedAt >= PIPE_INTERVAL.toNanos()) {
            out.println(status);
            out.flush();
            lastPrinted = status;
            lastPrintedAt = now;
        }
    }

    /** Ends the live line with {@code status} shown for good (printed on a pipe whatever the interval). */
    public synchronized void finish(String status) {
        if (terminal) {
            out.print("\r\033[K" + status + System.lineSeparator());
        } else if (!status.equals(lastPrinted)) {
            out.println(status);
        }
        out.flush();
        shown = "";
        lastPrinted = "";
        lastPrintedAt = 0;
    }

    /** Prints a line above the live line. */
    public synchronized void println(String line) {
        if (terminal && !shown.isEmpty()) {
            out.print("\r\033[K");
            out.println(line);
            out.print(shown);
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** A progress bar of {@code width} cells for {@code done} of {@code total}. */
    public static String bar(long done, long total, int width) {
        int filled = total <= 0 ? 0 : (int) Math.min(width, width * done / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
