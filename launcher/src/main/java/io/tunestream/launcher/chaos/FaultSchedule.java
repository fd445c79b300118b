package io.tunestream.launcher.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A seeded plan of faults: in each pass every component is killed once, in a shuffled order, at a random moment of
 * its own slot, and stays down for a random 1 to 4 seconds. Faults never overlap (one component down at a time), and
 * the same seed, components and length give the same plan, so a failed run is replayed with its seed.
 *
 * @param seed what drew the plan
 * @param faults in the order they happen
 */
public record FaultSchedule(long seed, List<Fault> faults) {

    /** The shortest slot: a kill, the time down, and the restart's wait for readiness fit in it. */
    static final Duration MIN_SLOT = Duration.ofSeconds(20);

    private static final int MAX_DOWN_MILLIS = 4_000;
    private static final int MIN_DOWN_MILLIS = 1_000;

    /**
     * @param at when the kill happens, from the start of the chaos phase
     * @param component what is killed
     * @param down how long it stays down before the restart
     */
    public record Fault(Duration at, String component, Duration down) {}

    public FaultSchedule {
        faults = List.copyOf(faults);
    }

    /**
     * Draws a plan of {@code passes} passes over {@code components} spread over {@code length}.
     *
     * @throws IllegalArgumentException when a slot would be shorter than {@link #MIN_SLOT}
     */
    public static FaultSchedule draw(long seed, List<String> components, int passes, Duration length) {
        if (components.isEmpty() || passes < 1) {
            throw new IllegalArgumentException("a schedule needs at least one component and one pass");
        }
        long slotMillis = length.toMillis() / ((long) passes * components.size());
        if (slotMillis < MIN_SLOT.toMillis()) {
            throw new IllegalArgumentException("a chaos phase of " + length.toSeconds() + " s is too short for "
                    + passes + " pass(es) over " + components.size() + " components: each kill needs at least "
                    + MIN_SLOT.toSeconds() + " s");
        }
        Random random = new Random(seed);
        List<Fault> faults = new ArrayList<>();
        long slotStart = 0;
        for (int pass = 0; pass < passes; pass++) {
            List<String> order = new ArrayList<>(components);
            Collections.shuffle(order, random);
            for (String component : order) {
                long down = MIN_DOWN_MILLIS + random.nextInt(MAX_DOWN_MILLIS - MIN_DOWN_MILLIS + 1);
                // The kill lands in the first half of the slot, so the restart has the second half to get ready.
                long offset = (long) (random.nextDouble() * (slotMillis / 2.0));
                faults.add(new Fault(Duration.ofMillis(slotStart + offset), component, Duration.ofMillis(down)));
                slotStart += slotMillis;
            }
        }
        return new FaultSchedule(seed, faults);
    }

    /** How many passes fit in {@code length}: at least one, so that every component is killed once. */
    public static int passesFor(Duration length, int components) {
        long perPass = MIN_SLOT.toMillis() * 3 * components;
        return (int) Math.max(1, length.toMillis() / perPass);
    }

    /** One line per fault, for the log: replaying needs only the seed, but a reader wants the plan. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("chaos seed " + seed + ", " + faults.size() + " faults:");
        for (Fault fault : faults) {
            lines.add(String.format(
                    Locale.ROOT,
                    "  t+%6.1fs  %-8s %-20s down %.1fs",
                    fault.at().toMillis() / 1000.0,
                    fault.component().equals("postgresql") ? "CUT OFF" : "SIGKILL",
                    fault.component(),
                    fault.down().toMillis() / 1000.0));
        }
        return lines;
    }
}
