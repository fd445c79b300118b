package io.tunestream.llm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * The machine's reference figure, the fp32 matmul peak, measured several times in one benchmark run: before, between
 * and after the measured methods. On a shared machine one sample taken at a busy moment is too low, and every figure
 * divided by it (MFU, fraction of peak) is then too high, past 100% at times. The highest sample is the reference; all
 * samples are reported, and the run is flagged noisy when they disagree by more than {@link #NOISY_SPREAD}.
 */
final class ReferencePeak {

    /** Samples more than this far below the highest mean the machine was busy during part of the run. */
    static final double NOISY_SPREAD = 0.10;

    private final int size;
    private final IntToDoubleFunction measurement;
    private final List<Sample> samples = new ArrayList<>();

    record Sample(String moment, double gflops) {}

    /** @param measurement the GFLOP/s of an n x n fp32 matmul, best of a few runs */
    ReferencePeak(int size, IntToDoubleFunction measurement) {
        this.size = size;
        this.measurement = measurement;
    }

    static ReferencePeak fp32Matmul(int size) {
        return new ReferencePeak(size, BenchCommand::matmulPeakGflops);
    }

    /** Measures the peak now; {@code moment} says when ("before", "after full", "after"). */
    double measure(String moment) {
        double gflops = measurement.applyAsDouble(size);
        samples.add(new Sample(moment, gflops));
        return gflops;
    }

    /** The reference every figure is divided by: the highest sample, the one least disturbed by other load. */
    double highest() {
        if (samples.isEmpty()) {
            throw new IllegalStateException("the matmul peak was never measured");
        }
        return samples.stream().mapToDouble(Sample::gflops).max().orElseThrow();
    }

    double lowest() {
        return samples.stream().mapToDouble(Sample::gflops).min().orElseThrow();
    }

    /** Relative spread: (highest - lowest) / highest. */
    double spread() {
        return (highest() - lowest()) / highest();
    }

    boolean noisy() {
        return spread() > NOISY_SPREAD;
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Writes the samples, the reference used, the spread, and a warning when the run was noisy. */
    void writeTo(ObjectNode machine, String prefix) {
        ArrayNode array = machine.putArray(prefix + "_samples");
        for (Sample sample : samples) {
            array.addObject().put("moment", sample.moment()).put("gflops", round(sample.gflops()));
        }
        machine.put(prefix + "_gflops", round(highest()));
        machine.put(prefix + "_spread", round(spread()));
        if (noisy()) {
            machine.put(prefix + "_warning", warning());
        }
    }

    String warning() {
        return String.format(
                Locale.ROOT,
                "the %dx%d matmul peak varied by %.0f%% during the run (%.1f to %.1f GFLOP/s): the machine was busy,"
                        + " so figures relative to the peak (highest sample used) are uncertain; rerun on a quiet machine",
                size,
                size,
                spread() * 100,
                lowest(),
                highest());
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
