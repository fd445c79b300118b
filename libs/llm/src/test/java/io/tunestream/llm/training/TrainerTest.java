package io.tunestream.llm.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import io.tunestream.llm.model.LlamaConfig;
import io.tunestream.llm.model.LlamaModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerTest {

    static LlamaModel tinyModel() {
        return LlamaModel.initialize(
                LlamaConfig.small(32, 32, 2, 4, 2, 64, 64),
                3,
                Engine.getInstance().newBaseManager());
    }

    /** Sequences that follow a rule (each token is the previous + 3, modulo 30), so they can be learned. */
    static List<TrainingExample> countingSequences() {
        List<TrainingExample> examples = new ArrayList<>();
        for (int start = 0; start < 12; start++) {
            int[] ids = new int[10];
            for (int t = 0; t < ids.length; t++) {
                ids[t] = (start + 3 * t) % 30 + 1;
            }
            examples.add(TrainingExample.allTokens(ids));
        }
        return examples;
    }

    private static TrainingSettings settings(int steps, double rate) {
        return new TrainingSettings(steps, 4, 1, rate, 2, LearningRateSchedule.Kind.CONSTANT, 1, 1.0, 0.0, 7);
    }

    @Test
    void fullFineTuningLearnsARuleAndTheLossFalls() {
        try (LlamaModel model = tinyModel()) {
            List<StepMetrics> history = new Trainer<>(
                            model, model.namedWeights(), new CausalLmObjective(0), settings(60, 1e-2))
                    .fit(countingSequences(), metrics -> {});
            double first = history.get(0).loss();
            double last = history.get(history.size() - 1).loss();
            assertThat(first).isCloseTo(Math.log(32), within(0.3));
            assertThat(last).isLessThan(first * 0.3);
            assertThat(history.get(5).tokensPerSecond()).isPositive();
        }
    }

    @Test
    void onlyTrainableArraysChange() {
        try (LlamaModel model = tinyModel()) {
            Map<String, float[]> before = snapshot(model);
            String trained = "model.layers.0.self_attn.q_proj.weight";
            new Trainer<>(
                            model,
                            Map.of(trained, model.namedWeights().get(trained)),
                            new CausalLmObjective(0),
                            settings(3, 1e-2))
                    .fit(countingSequences(), metrics -> {});
            Map<String, float[]> after = snapshot(model);
            before.forEach((name, values) -> {
                if (name.equals(trained)) {
                    assertThat(after.get(name)).as(name).isNotEqualTo(values);
                } else {
                    assertThat(after.get(name)).as(name).isEqualTo(values);
                }
            });
        }
    }

    @Test
    void aSeedMakesARunReproducible() {
        List<Double> first = losses();
        List<Double> second = losses();
        assertThat(second).containsExactlyElementsOf(first);
    }

    private List<Double> losses() {
        try (LlamaModel model = tinyModel()) {
            return new Trainer<>(
                            model,
                            model.namedWeights(),
                            new CausalLmObjective(0),
                            settings(5, 1e-2).withBatch(2, 2))
                    .fit(countingSequences(), metrics -> {}).stream()
                            .map(StepMetrics::loss)
                            .toList();
        }
    }

    @Test
    void dpoStartsAtLn2AndLearnsToPreferTheChosenAnswers() {
        List<PreferenceExample> pairs = new ArrayList<>();
        for (int prompt = 1; prompt <= 8; prompt++) {
            int[] chosen = {prompt, prompt + 1, prompt + 2, prompt + 3};
            int[] rejected = {prompt, prompt + 10, prompt + 10, prompt + 10};
            boolean[] answer = {false, true, true, true};
            pairs.add(
                    new PreferenceExample(new TrainingExample(chosen, answer), new TrainingExample(rejected, answer)));
        }
        try (LlamaModel model = tinyModel()) {
            List<StepMetrics> history = new Trainer<>(
                            model,
                            model.namedWeights(),
                            new DpoObjective(0, DpoSettings.defaults()),
                            settings(25, 5e-3))
                    .fit(pairs, metrics -> {});
            assertThat(history.get(0).loss()).isCloseTo(Math.log(2), within(1e-4));
            StepMetrics last = history.get(history.size() - 1);
            assertThat(last.metrics().get("rewards/margins")).isPositive();
            assertThat(last.metrics().get("rewards/accuracies")).isEqualTo(1.0);
            assertThat(last.loss()).isLessThan(Math.log(2) - 0.2);
        }
    }

    static Map<String, float[]> snapshot(LlamaModel model) {
        Map<String, float[]> values = new LinkedHashMap<>();
        model.namedWeights().forEach((name, array) -> values.put(name, array.toFloatArray()));
        return values;
    }

    @Test
    void aResumedRunFollowsTheUninterruptedRunsLossCurve(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path directory) {
        TrainingSettings six = settings(6, 1e-2).withBatch(3, 1);
        com.fasterxml.jackson.databind.node.ObjectNode run = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("objective", "causal-lm");
        List<Double> uninterrupted;
        try (LlamaModel model = tinyModel()) {
            uninterrupted = new Trainer<>(model, model.namedWeights(), new CausalLmObjective(0), six)
                            .fit(
                                    countingSequences(),
                                    metrics -> {},
                                    new RunOutput(directory.resolve("a"), run, 3),
                                    null)
                            .stream()
                            .map(StepMetrics::loss)
                            .toList();
        }
        java.nio.file.Path checkpoint =
                TrainingCheckpoint.directory(directory.resolve("a").resolve("checkpoints"), 3);
        assertThat(checkpoint.resolve("trainable.safetensors")).exists();
        assertThat(checkpoint.resolve("run.json")).exists();
        assertThat(directory.resolve("a").resolve("metrics.jsonl")).content().hasLineCount(6);
        // A model with other initial weights: everything that matters must come from the checkpoint.
        try (LlamaModel other = LlamaModel.initialize(
                LlamaConfig.small(32, 32, 2, 4, 2, 64, 64),
                99,
                Engine.getInstance().newBaseManager())) {
            List<Double> resumed = new Trainer<>(other, other.namedWeights(), new CausalLmObjective(0), six)
                    .fit(countingSequences(), metrics -> {}, null, checkpoint).stream()
                            .map(StepMetrics::loss)
                            .toList();
            assertThat(resumed).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(resumed.get(i)).isCloseTo(uninterrupted.get(3 + i), within(1e-5));
            }
        }
    }

    /** Causal-LM training whose evaluations return a scripted series, to pin early stopping and best selection. */
    private static final class ScriptedEvaluation implements TrainingObjective<TrainingExample> {
        private final CausalLmObjective training = new CausalLmObjective(0);
        private final java.util.Iterator<Double> values;

        ScriptedEvaluation(Double... values) {
            this.values = List.of(values).iterator();
        }

        @Override
        public StepLoss loss(LlamaModel model, List<TrainingExample> batch, ai.djl.ndarray.NDManager manager) {
            return training.loss(model, batch, manager);
        }

        @Override
        public int tokens(List<TrainingExample> batch) {
            return training.tokens(batch);
        }

        @Override
        public Map<String, Double> evaluate(LlamaModel model, List<TrainingExample> examples, int batchSize) {
            return Map.of("loss", values.next());
        }
    }

    @Test
    void earlyStoppingKeepsTheBestCheckpointNotTheLast() {
        try (LlamaModel model = tinyModel()) {
            String watched = "model.norm.weight";
            Map<Long, float[]> weightsAfterStep = new java.util.HashMap<>();
            Trainer<TrainingExample> trainer = new Trainer<>(
                            model,
                            model.namedWeights(),
                            new ScriptedEvaluation(5.0, 3.0, 4.0, 6.0, 7.0, 8.0),
                            settings(10, 1e-2))
                    .evaluateOn(countingSequences().subList(0, 2), new EvaluationSettings(1, "loss", false, 2, true));
            List<StepMetrics> history = trainer.fit(
                    countingSequences(),
                    metrics -> weightsAfterStep.put(
                            metrics.step(), model.namedWeights().get(watched).toFloatArray()));
            assertThat(history).hasSize(4);
            assertThat(trainer.stoppedEarly()).isTrue();
            assertThat(trainer.bestStep()).isEqualTo(2);
            assertThat(trainer.bestValue()).isEqualTo(3.0);
            assertThat(history.get(1).metrics()).containsEntry("eval/loss", 3.0);
            assertThat(weightsAfterStep.get(4L)).isNotEqualTo(weightsAfterStep.get(2L));
            assertThat(model.namedWeights().get(watched).toFloatArray()).containsExactly(weightsAfterStep.get(2L));
        }
    }

    @Test
    void aModelEvaluatorCanSelectTheStartingWeightsWhenEveryStepIsWorse() {
        try (LlamaModel model = tinyModel()) {
            Map<String, float[]> start = snapshot(model);
            java.util.Iterator<Double> scores = List.of(0.9, 0.5, 0.6, 0.4).iterator();
            boolean[] training = {false};
            List<Boolean> trainingModeWhileEvaluated = new ArrayList<>();
            ModelEvaluator exactMatch = evaluated -> {
                trainingModeWhileEvaluated.add(training[0]);
                return Map.of("exact_match", scores.next());
            };
            Trainer<TrainingExample> trainer = new Trainer<>(
                            model, model.namedWeights(), new CausalLmObjective(0), settings(10, 1e-2))
                    .evaluateOn(countingSequences().subList(0, 2), new EvaluationSettings(1, "loss", false, 0, true))
                    .evaluateWith(exactMatch, new EvaluationSettings(1, "exact_match", true, 3, true, true))
                    .onTrainingModeChange(mode -> training[0] = mode);
            List<StepMetrics> history = trainer.fit(countingSequences(), metrics -> {});

            assertThat(trainer.startMetrics()).containsEntry("exact_match", 0.9).containsKey("loss");
            assertThat(history).hasSize(3);
            assertThat(history.get(1).metrics())
                    .containsEntry("eval/exact_match", 0.6)
                    .containsKey("eval/loss");
            assertThat(trainer.stoppedEarly()).isTrue();
            assertThat(trainer.bestStep()).isZero();
            assertThat(trainer.bestValue()).isEqualTo(0.9);
            // Evaluated like the reference pass: with dropout off.
            assertThat(trainingModeWhileEvaluated).hasSize(4).containsOnly(false);
            Map<String, float[]> after = snapshot(model);
            start.forEach((name, values) -> assertThat(after.get(name)).as(name).containsExactly(values));
        }
    }

    @Test
    void aStepThatBeatsTheStartIsKept() {
        try (LlamaModel model = tinyModel()) {
            Map<String, float[]> start = snapshot(model);
            java.util.Iterator<Double> scores = List.of(0.2, 0.1, 0.7, 0.3).iterator();
            Trainer<TrainingExample> trainer = new Trainer<>(
                            model, model.namedWeights(), new CausalLmObjective(0), settings(3, 1e-2))
                    .evaluateWith(
                            evaluated -> Map.of("exact_match", scores.next()),
                            new EvaluationSettings(1, "exact_match", true, 0, true, true));
            Map<Long, float[]> normAfterStep = new java.util.HashMap<>();
            trainer.fit(
                    countingSequences(),
                    metrics -> normAfterStep.put(
                            metrics.step(),
                            model.namedWeights().get("model.norm.weight").toFloatArray()));
            assertThat(trainer.bestStep()).isEqualTo(2);
            assertThat(model.namedWeights().get("model.norm.weight").toFloatArray())
                    .containsExactly(normAfterStep.get(2L))
                    .isNotEqualTo(start.get("model.norm.weight"));
        }
    }

    @Test
    void batchesAreBucketedByLengthAndEveryExampleComesOncePerEpoch() {
        List<TrainingExample> examples = new ArrayList<>();
        java.util.Random lengths = new java.util.Random(5);
        for (int i = 0; i < 400; i++) {
            examples.add(TrainingExample.allTokens(new int[2 + lengths.nextInt(60)]));
        }
        try (LlamaModel model = tinyModel()) {
            Trainer<TrainingExample> trainer = new Trainer<>(
                    model,
                    model.namedWeights(),
                    new CausalLmObjective(0),
                    settings(1, 1e-3).withBatch(8, 1));
            DataOrder<TrainingExample> order = trainer.dataOrder(examples);
            List<TrainingExample> epoch = order.bucketedEpoch(new java.util.Random(1));
            assertThat(epoch).hasSize(400).containsExactlyInAnyOrderElementsOf(examples);
            // Consumed from the end, eight at a time: each batch spans few lengths; a random batch spans most of 2-61.
            double spread = 0;
            for (int end = epoch.size(); end > 0; end -= 8) {
                List<TrainingExample> batch = epoch.subList(Math.max(0, end - 8), end);
                int longest = batch.stream().mapToInt(e -> e.ids().length).max().orElseThrow();
                int shortest =
                        batch.stream().mapToInt(e -> e.ids().length).min().orElseThrow();
                spread += longest - shortest;
            }
            assertThat(spread / 50).isLessThan(6);
            assertThat(order.bucketedEpoch(new java.util.Random(1))).containsExactlyElementsOf(epoch);
        }
    }

    @Test
    void aResumedRunKeepsItsEarlyStoppingStateAndBestWeights(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path directory) {
        String watched = "model.norm.weight";
        EvaluationSettings evaluation = new EvaluationSettings(1, "loss", false, 2, true);
        com.fasterxml.jackson.databind.node.ObjectNode run =
                new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        float[] uninterruptedResult;
        try (LlamaModel model = tinyModel()) {
            Trainer<TrainingExample> trainer = new Trainer<>(
                            model, model.namedWeights(), new ScriptedEvaluation(5.0, 3.0, 4.0, 6.0), settings(10, 1e-2))
                    .evaluateOn(countingSequences().subList(0, 2), evaluation);
            trainer.fit(countingSequences(), metrics -> {}, new RunOutput(directory, run, 3), null);
            assertThat(trainer.stoppedEarly()).isTrue();
            uninterruptedResult = model.namedWeights().get(watched).toFloatArray();
        }
        java.nio.file.Path checkpoint = TrainingCheckpoint.directory(directory.resolve("checkpoints"), 3);
        assertThat(checkpoint.resolve("best.safetensors")).exists();
        try (LlamaModel other = tinyModel()) {
            // The evaluations after step 3 are the same as the uninterrupted run's: 6.0 at step 4.
            Trainer<TrainingExample> resumed = new Trainer<>(
                            other, other.namedWeights(), new ScriptedEvaluation(6.0), settings(10, 1e-2))
                    .evaluateOn(countingSequences().subList(0, 2), evaluation);
            List<StepMetrics> history = resumed.fit(countingSequences(), metrics -> {}, null, checkpoint);
            assertThat(history).hasSize(1);
            assertThat(resumed.stoppedEarly()).isTrue();
            assertThat(resumed.bestStep()).isEqualTo(2);
            assertThat(resumed.bestValue()).isEqualTo(3.0);
            assertThat(other.namedWeights().get(watched).toFloatArray()).containsExactly(uninterruptedResult);
        }
    }
}
