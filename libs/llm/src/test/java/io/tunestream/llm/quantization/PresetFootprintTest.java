package io.tunestream.llm.quantization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.model.ModelPresets;
import org.junit.jupiter.api.Test;

/** The presets' sizes, and what quantizing the small one saves. */
class PresetFootprintTest {

    private static LlamaModel initialize(String preset, int vocabSize) {
        return LlamaModel.initialize(
                ModelPresets.named(preset, vocabSize), 7, Engine.getInstance().newBaseManager());
    }

    @Test
    void presetsHaveTheAdvertisedParameterCounts() {
        try (LlamaModel tiny = initialize("tiny", 1024);
                LlamaModel small = initialize("SMALL", 4096)) {
            System.out.printf(
                    "parameters: tiny(1024) %,d; small(4096) %,d%n", tiny.parameterCount(), small.parameterCount());
            assertThat(tiny.parameterCount()).isBetween(700_000L, 1_500_000L);
            assertThat(small.parameterCount()).isBetween(5_000_000L, 12_000_000L);
            assertThat(small.config().numKvHeads()).isLessThan(small.config().numHeads());
        }
        // Counted from the config: the medium preset is too large to initialise in a unit test.
        var medium = ModelPresets.medium(4096);
        long d = medium.hiddenSize();
        long kv = (long) medium.numKvHeads() * medium.headDim();
        long perLayer =
                2 * d * medium.numHeads() * medium.headDim() + 2 * d * kv + 3 * d * medium.intermediateSize() + 2 * d;
        assertThat(medium.vocabSize() * d + medium.numLayers() * perLayer + d).isEqualTo(257_981_952L);
        assertThatThrownBy(() -> ModelPresets.named("large", 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'large'")
                .hasMessageContaining("[tiny, small, medium]");
    }

    @Test
    void int8AndNf4StoreTheSmallPresetsProjectionsInAQuarterAndASeventh() {
        try (LlamaModel int8 = initialize(ModelPresets.SMALL, 4096);
                LlamaModel nf4 = initialize(ModelPresets.SMALL, 4096)) {
            long f32Projections = Quantization.projectionBytes(int8);
            long f32Model = Quantization.storedBytes(int8);
            Quantization.quantizeBase(int8, QuantizationType.INT8);
            Quantization.quantizeBase(nf4, QuantizationType.NF4);
            double int8Ratio = (double) Quantization.projectionBytes(int8) / f32Projections;
            double nf4Ratio = (double) Quantization.projectionBytes(nf4) / f32Projections;
            System.out.printf(
                    "small(4096) projections: F32 %,d B, int8 %,d B (%.3fx), NF4 %,d B (%.3fx);"
                            + " whole model: F32 %,d B, int8 %,d B, NF4 %,d B%n",
                    f32Projections,
                    Quantization.projectionBytes(int8),
                    int8Ratio,
                    Quantization.projectionBytes(nf4),
                    nf4Ratio,
                    f32Model,
                    Quantization.storedBytes(int8),
                    Quantization.storedBytes(nf4));

            assertThat(f32Projections).isEqualTo(4 * (int8.parameterCount() - 4096L * 256 - 17L * 256));
            assertThat(int8Ratio).isBetween(0.25, 0.26);
            // 4.5 bits per weight is 0.1406x; each projection's 2 KiB byte table adds the rest.
            assertThat(nf4Ratio).isBetween(0.14, 0.15);
            assertThat(Quantization.storedBytes(nf4) - Quantization.projectionBytes(nf4))
                    .isEqualTo(f32Model - f32Projections);
        }
    }
}
