package io.tunestream.llm.training;

import static io.tunestream.llm.training.TrainerTest.countingSequences;
import static io.tunestream.llm.training.TrainerTest.snapshot;
import static io.tunestream.llm.training.TrainerTest.tinyModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunestream.llm.lora.LoraConfig;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.quantization.QuantizationType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The entry point's spec and phases; the loop itself is pinned by {@link TrainerTest}, whose fixtures these share. */
class FineTuningTest {

    @Test
    void theNamedDefaultsAreTheOnesTheCallersUsedBefore() {
        // What TrainingOptions, BenchQualityCommand and the training-service built positionally before the spec.
        assertThat(FineTuneSpec.sft().settings())
                .isEqualTo(
                        new TrainingSettings(100, 8, 1, 2e-4, 10, LearningRateSchedule.Kind.COSINE, 0.1, 1.0, 0.0, 42));
        assertThat(FineTuneSpec.sft().withMethod(FineTuneSpec.Method.full()).learningRate())
                .isEqualTo(5e-5);
        assertThat(FineTuneSpec.dpo().learningRate()).isEqualTo(5e-5);
        assertThat(FineTuneSpec.dpo().withMethod(FineTuneSpec.Method.full()).learningRate())
                .isEqualTo(5e-6);
        assertThat(FineTuneSpec.pretrain().learningRate()).isEqualTo(1e-3);
        assertThat(FineTuneSpec.pretrain().method().isFull()).isTrue();
        assertThat(FineTuneSpec.sft().method().loraConfig()).isEqualTo(LoraConfig.defaults());
        assertThat(FineTuneSpec.dpo().dpoSettings()).isEqualTo(DpoSettings.defaults());
        assertThat(FineTuneSpec.sft().evaluation().enabled()).isFalse();
        assertThat(FineTuneSpec.sft().checkpointEvery()).isEqualTo(100);
        // Warmup follows the steps unless set: a tenth, at most 10.
        FineTuneSpec.Optimisation optimisation = FineTuneSpec.Optimisation.defaults();
        assertThat(optimisation.withMaxSteps(50).warmup()).isEqualTo(5);
        assertThat(optimisation.withMaxSteps(3200).warmup()).isEqualTo(10);
        assertThat(optimisation.withMaxSteps(50).withWarmupSteps(0).warmup()).isZero();
        FineTuneSpec.Evaluation evaluation = FineTuneSpec.Evaluation.every(5);
        assertThat(evaluation.settings()).isEqualTo(new EvaluationSettings(5, "loss", false, 3, true, false));
    }

    @Test
    void aSpecThatCannotRunIsRefusedWithTheReason() {
        assertThatThrownBy(() -> FineTuneSpec.Method.full().withBaseQuantization(QuantizationType.NF4))
                .hasMessageContaining("full fine-tuning");
        assertThatThrownBy(() -> FineTuneSpec.Evaluation.none().selectingBy(model -> Map.of(), "exact_match"))
                .hasMessageContaining("every >= 1");
        assertThatThrownBy(() -> FineTuneSpec.Method.full().withLora(4, 8)).hasMessageContaining("no LoRA settings");
        try (LlamaModel model = tinyModel()) {
            FineTuning<TrainingExample> dpo =
                    FineTuning.<TrainingExample>of(FineTuneSpec.dpo(), model, 0).setup();
            assertThatThrownBy(() -> dpo.fit(countingSequences(), List.of(), metrics -> {}, null, null))
                    .hasMessageContaining("PreferenceExamples");
        }
    }

    @Test
    void theRecordedSpecLeavesTheModelEvaluatorOut() {
        FineTuneSpec spec = FineTuneSpec.dpo()
                .withEvaluation(FineTuneSpec.Evaluation.every(2)
                        .selectingBy(model -> Map.of("exact_match", 1.0), "exact_match"));
        assertThat(spec.toJson().get("evaluation").has("modelEvaluator")).isFalse();
        assertThat(spec.toJson().get("evaluation").get("metric").asText()).isEqualTo("exact_match");
        assertThat(spec.toJson().get("dpoSettings").get("beta").asDouble()).isEqualTo(0.1);
    }

    @Test
    void theEntryPointTrainsExactlyWhatTheLoopTrainsWithTheSpecsSettings() {
        FineTuneSpec spec = FineTuneSpec.pretrain()
                .withOptimisation(FineTuneSpec.Optimisation.defaults()
                        .withMaxSteps(4)
                        .withBatch(3, 1)
                        .withLearningRate(1e-2)
                        .withSeed(5))
                .withEvaluation(FineTuneSpec.Evaluation.every(2).withPatience(0));
        List<TrainingExample> examples = countingSequences();
        Map<String, float[]> viaEntryPoint;
        FineTuneResult result;
        try (LlamaModel model = tinyModel()) {
            result = FineTuning.<TrainingExample>of(spec, model, 0)
                    .setup()
                    .fit(examples.subList(2, 12), examples.subList(0, 2), metrics -> {}, null, null);
            viaEntryPoint = snapshot(model);
        }
        try (LlamaModel model = tinyModel()) {
            Trainer<TrainingExample> trainer = new Trainer<>(
                            model,
                            model.namedWeights(),
                            new CausalLmObjective(0),
                            new TrainingSettings(4, 3, 1, 1e-2, 0, LearningRateSchedule.Kind.COSINE, 0.1, 1.0, 0.0, 5))
                    .evaluateOn(examples.subList(0, 2), new EvaluationSettings(2, "loss", false, 0, true));
            List<StepMetrics> history = trainer.fit(examples.subList(2, 12), metrics -> {});
            assertThat(result.history().stream().map(StepMetrics::loss).toList())
                    .containsExactlyElementsOf(
                            history.stream().map(StepMetrics::loss).toList());
            assertThat(result.chosenStep()).isEqualTo(trainer.bestStep()).isPositive();
            Map<String, float[]> viaLoop = snapshot(model);
            viaLoop.forEach((name, values) ->
                    assertThat(viaEntryPoint.get(name)).as(name).containsExactly(values));
        }
    }

    @Test
    void loraTrainsOnlyTheAdaptersAndWritesThemWithTheirBase(@org.junit.jupiter.api.io.TempDir java.nio.file.Path out) {
        FineTuneSpec spec = FineTuneSpec.sft()
                .withMethod(FineTuneSpec.Method.lora().withLora(4, 8))
                .withOptimisation(
                        FineTuneSpec.Optimisation.defaults().withMaxSteps(2).withBatch(4, 1));
        try (LlamaModel model = tinyModel()) {
            Map<String, float[]> before = snapshot(model);
            FineTuning<TrainingExample> tuning =
                    FineTuning.<TrainingExample>of(spec, model, 0).setup();
            assertThat(tuning.trainableParameters()).isPositive();
            FineTuneResult result = tuning.fit(countingSequences(), List.of(), metrics -> {}, null, null);
            assertThat(result.chosenStep()).isEqualTo(2);
            assertThat(Double.isNaN(result.chosenValue())).isTrue();
            result = tuning.write(out, null, "the-base");
            assertThat(result.outputs().adapter().resolve("adapter_model.safetensors"))
                    .exists();
            assertThat(result.outputs().adapter().resolve("adapter_config.json"))
                    .content()
                    .contains("the-base");
            assertThat(result.outputs().model()).isNull();
            Map<String, float[]> after = snapshot(model);
            before.forEach(
                    (name, values) -> assertThat(after.get(name)).as(name).containsExactly(values));
        }
    }
}
