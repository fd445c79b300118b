package io.tunestream.events;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One fully populated example of every event, as documented in {@code docs/events.md}. */
final class ExampleEvents {

    static final Instant TIME = Instant.parse("2026-11-23T12:00:00Z");
    static final String PROMPT_HASH = "9f2c1e6b0d4a7c3e5f8a1b2c4d6e8f0a1c3e5a7b9d1f3a5c7e9b1d3f5a7c9e1b";
    static final String SHA_TRAIN = "3b5d7f9a1c3e5a7b9d1f3a5c7e9b1d3f5a7c9e1b9f2c1e6b0d4a7c3e5f8a1b2c";
    static final String SHA_EVAL = "4c6e8a0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c";
    static final String SHA_MANIFEST = "5d7f9b1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e";
    static final String SHA_WEIGHTS = "6e8a0c2d4f6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f";
    static final String SHA_CONFIG = "7f9b1d3e5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b";

    private ExampleEvents() {}

    static SamplingParameters sampling() {
        return new SamplingParameters(0.7, 0.95, 50, 64, 1, List.of("\n\n"), 0.0, 1.1, 42L);
    }

    static SampleEvent sample() {
        ObjectNode record = JsonNodeFactory.instance
                .objectNode()
                .put("instruction", "Add the numbers.")
                .put("input", "17 + 25")
                .put("output", "42");
        return new SampleEvent("0b7e3c52-8f1d-4a55-9d3e-2f6a1c8b7e01", 1, TIME, "arithmetic", "crm-4711", record);
    }

    static PromptEvent prompt() {
        return new PromptEvent(
                "1c8f4d63-9a2e-4b66-8e4f-3a7b2d9c8f02",
                1,
                TIME,
                PROMPT_HASH,
                "arithmetic",
                "arithmetic-dpo",
                "sample-17",
                2,
                "tiny-llama",
                3,
                "Instruct: Add the numbers.\n17 + 25\nOutput:",
                sampling());
    }

    static GenerationEvent generation() {
        return new GenerationEvent(
                "2d9a5e74-ab3f-4c77-9f5a-4b8c3ead9a03",
                1,
                TIME,
                PROMPT_HASH,
                "arithmetic",
                "arithmetic-dpo",
                "sample-17",
                2,
                "tiny-llama",
                3,
                sampling(),
                " 41",
                FinishReason.STOP,
                14,
                3,
                183,
                null);
    }

    static GenerationEvent failedGeneration() {
        return new GenerationEvent(
                "3e0b6f85-bc4a-4d88-8a6b-5c9d4fbe0b04",
                1,
                TIME,
                PROMPT_HASH,
                "arithmetic",
                "arithmetic-dpo",
                "sample-17",
                2,
                "tiny-llama",
                3,
                sampling(),
                "",
                FinishReason.ERROR,
                14,
                0,
                2,
                "prompt is 4100 tokens, the model's context is 2048");
    }

    static DatasetVersionEvent datasetVersion() {
        String prefix = "s3://tunestream/datasets/arithmetic/versions/4/";
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("train", 950L);
        counts.put("eval", 50L);
        counts.put("dropped.rejected_equals_chosen", 12L);
        return new DatasetVersionEvent(
                "4f1c7a96-cd5b-4e99-9b7c-6dae5acf1c05",
                1,
                TIME,
                "arithmetic",
                4,
                Recipe.DPO,
                new ObjectRef(prefix + "train.jsonl", SHA_TRAIN, 412_733),
                new ObjectRef(prefix + "eval.jsonl", SHA_EVAL, 21_902),
                new ObjectRef(prefix + "manifest.json", SHA_MANIFEST, 1_204),
                counts,
                sampling(),
                Lineage.ofDatasetVersion("arithmetic", 4, "arithmetic-dpo", "tiny-llama", 3));
    }

    static ArtifactRef mergedModel(int version) {
        String prefix = "s3://tunestream/models/tiny-llama/" + version + "/";
        return new ArtifactRef(
                prefix,
                List.of(
                        new ObjectRef(prefix + "config.json", SHA_CONFIG, 612),
                        new ObjectRef(prefix + "model.safetensors", SHA_WEIGHTS, 29_400_112)));
    }

    static TrainedModelEvent trainedModel() {
        Map<String, Object> hyperparameters = new LinkedHashMap<>();
        hyperparameters.put("maxSteps", 100);
        hyperparameters.put("learningRate", 3.0e-5);
        hyperparameters.put("loraRank", 8);
        hyperparameters.put("beta", 0.1);
        hyperparameters.put("lossType", "sigmoid");
        hyperparameters.put("nllWeight", 1.0);
        String adapterPrefix = "s3://tunestream/adapters/job-0192/";
        ArtifactRef adapter = new ArtifactRef(
                adapterPrefix,
                List.of(
                        new ObjectRef(adapterPrefix + "adapter_config.json", SHA_CONFIG, 410),
                        new ObjectRef(adapterPrefix + "adapter_model.safetensors", SHA_WEIGHTS, 1_310_720)));
        String stagedPrefix = "s3://tunestream/checkpoints/job-0192/merged/";
        ArtifactRef merged = new ArtifactRef(
                stagedPrefix,
                List.of(
                        new ObjectRef(stagedPrefix + "config.json", SHA_CONFIG, 612),
                        new ObjectRef(stagedPrefix + "model.safetensors", SHA_WEIGHTS, 29_400_112)));
        return new TrainedModelEvent(
                "5a2d8ba7-de6c-4fa0-8c8d-7ebf6bd02d06",
                1,
                TIME,
                "job-0192",
                "tiny-llama",
                Recipe.DPO,
                hyperparameters,
                adapter,
                merged,
                "eval/exact_match",
                Map.of("eval/exact_match", 0.62, "rewards/accuracies", 0.81),
                Map.of("eval/exact_match", 0.55),
                Lineage.ofDatasetVersion("arithmetic", 4, "arithmetic-dpo", "tiny-llama", 3)
                        .withTraining("job-0192", 3),
                new GateEvaluation(
                        "tasks-eval",
                        1,
                        "8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c",
                        80,
                        52,
                        48,
                        6,
                        2,
                        Map.of(
                                "ADDITION", new GateEvaluation.FamilyResult(40, 12, 8),
                                "SORT_DIGITS", new GateEvaluation.FamilyResult(40, 40, 40))),
                100L,
                40L);
    }

    static ModelVersionEvent modelVersionPromoted() {
        return new ModelVersionEvent(
                "6b3e9cb8-ef7d-4ab1-9d9e-8fc07ce13e07",
                1,
                TIME,
                ModelVersionAction.PROMOTED,
                "tiny-llama",
                4,
                ModelVersionEvent.PRODUCTION,
                3,
                null,
                mergedModel(4),
                Map.of("eval/exact_match", 0.62),
                Lineage.ofDatasetVersion("arithmetic", 4, "arithmetic-dpo", "tiny-llama", 3)
                        .withTraining("job-0192", 3));
    }

    static ModelVersionEvent modelVersionRejected() {
        GateDecision gate = new GateDecision(
                GateDecision.RULE_EVALUATION_SET,
                false,
                List.of(GateDecision.CHECK_SIGNIFICANCE),
                new GateDecision.EvaluationSet("tasks-eval", 1),
                new GateDecision.EvaluationSet(
                        "tasks-eval", 1, "8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c"),
                80,
                52,
                48,
                0.65,
                0.6,
                6,
                2,
                0.14453125,
                0.05,
                0.0,
                0.02,
                Map.of(
                        "ADDITION", new GateDecision.FamilyFigures(40, 12, 8, 0.3, 0.2, 0.1, true),
                        "SORT_DIGITS", new GateDecision.FamilyFigures(40, 40, 40, 1.0, 1.0, 0.0, true)),
                null,
                null,
                null);
        return new ModelVersionEvent(
                "7c4f0dc9-0f7e-4ab1-8d9e-8fc07ce13e08",
                1,
                TIME,
                ModelVersionAction.REJECTED,
                "tiny-llama",
                5,
                null,
                null,
                "evaluation tasks-eval/1 (80 items): exact match 0.65 vs parent 0.6 (+0.05"
                        + " >= margin 0), 6 vs 2 discordant, one-sided sign test p=0.145 > alpha 0.05, no family dropped"
                        + " by more than 0.02: not significant",
                mergedModel(5),
                Map.of("eval/exact_match", 0.58),
                Lineage.ofDatasetVersion("arithmetic", 5, "arithmetic-dpo", "tiny-llama", 4)
                        .withTraining("job-0193", 4),
                gate);
    }

    static List<TunestreamEvent> all() {
        return List.of(
                sample(),
                prompt(),
                generation(),
                failedGeneration(),
                datasetVersion(),
                trainedModel(),
                modelVersionPromoted(),
                modelVersionRejected());
    }
}
