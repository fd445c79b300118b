package io.tunestream.llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferencePeakTest {

    /** A measurement that returns the given figures in turn, as a machine that gets busy and quiet again would. */
    private static ReferencePeak peakReturning(Double... figures) {
        Iterator<Double> next = List.of(figures).iterator();
        return new ReferencePeak(1024, size -> next.next());
    }

    @Test
    void theHighestSampleIsTheReferenceSoABusyMomentCannotInflateRatios() {
        ReferencePeak peak = peakReturning(164.0, 71.7, 170.0);
        peak.measure("before");
        peak.measure("after full");
        peak.measure("after");

        assertEquals(170.0, peak.highest());
        assertEquals(71.7, peak.lowest());
        assertTrue(peak.noisy(), "a drop from 170 to 71.7 GFLOP/s is a busy machine");
        assertTrue(peak.warning().contains("71.7 to 170.0"), peak.warning());
    }

    @Test
    void samplesWithinTenPercentAreAQuietRun() {
        ReferencePeak peak = peakReturning(150.0, 140.0);
        peak.measure("before");
        peak.measure("after");

        assertFalse(peak.noisy());
        ObjectNode machine = Json.MAPPER.createObjectNode();
        peak.writeTo(machine, "matmul_fp32_1024");
        assertEquals(150.0, machine.get("matmul_fp32_1024_gflops").asDouble());
        assertEquals(2, machine.get("matmul_fp32_1024_samples").size());
        assertEquals(
                "after",
                machine.get("matmul_fp32_1024_samples").get(1).get("moment").asText());
        assertFalse(machine.has("matmul_fp32_1024_warning"));
    }

    @Test
    void aNoisyRunIsFlaggedInTheJson() {
        ReferencePeak peak = peakReturning(100.0, 80.0);
        peak.measure("before");
        peak.measure("after");

        ObjectNode machine = Json.MAPPER.createObjectNode();
        peak.writeTo(machine, "matmul_fp32_1024");
        assertEquals(0.2, machine.get("matmul_fp32_1024_spread").asDouble(), 1e-9);
        assertTrue(machine.has("matmul_fp32_1024_warning"));
    }

    @Test
    void aReferenceNeverMeasuredIsAnError() {
        assertThrows(IllegalStateException.class, () -> peakReturning().highest());
    }
}
