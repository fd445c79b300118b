package io.tunestream.training.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.tunestream.platform.storage.ObjectStoreSettings;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the training-service: training jobs over sealed dataset versions, their metrics and checkpoints. */
@ConfigMapping(prefix = "tunestream.training")
public interface TrainingConfig {

    /** Where this service keeps its objects ({@code tunestream.training.storage.bucket}, ...). */
    ObjectStoreSettings storage();

    /** The prefix of every topic this service publishes to ({@code <prefix>.trained-models}). */
    @WithDefault("tunestream")
    String topicPrefix();

    /**
     * The model a dataset version is trained into when its lineage names no source model (an SFT dataset no model
     * generated answers for); without it such a dataset-version event is dead-lettered.
     */
    Optional<String> defaultModel();

    /** How often the progress stream ({@code GET /jobs/{id}/progress}) looks at its job. */
    @WithDefault("1s")
    Duration progressInterval();

    /** The job runner: one per JVM. */
    Runner runner();

    /** Hyperparameters a job gets unless its submission says otherwise. */
    Defaults defaults();

    interface Runner {

        /** Whether this replica claims and trains jobs (off: it only accepts jobs and serves the API). */
        @WithDefault("true")
        boolean enabled();

        /** How long a claim holds without a heartbeat; another replica re-claims a RUNNING job whose lease expired. */
        @WithDefault("60s")
        Duration lease();

        /** How often the lease is renewed while a job trains; well under {@link #lease()}. */
        @WithDefault("15s")
        Duration heartbeat();

        /** How often an idle runner looks for work (a submission wakes it at once). */
        @WithDefault("5s")
        Duration pollInterval();

        /**
         * Every this many optimizer steps the run's resumable state (trainable weights, optimizer moments, data
         * position) is uploaded to {@code checkpoints/{job}/step-{n}/}; a job re-claimed after its runner died resumes
         * from the last one. 0: no checkpoints (a re-claimed job starts over).
         */
        @WithDefault("50")
        int checkpointEvery();

        /** Where jobs download their inputs and write their outputs; each job's directory is removed when it ends. */
        @WithDefault("${java.io.tmpdir}/tunestream-training")
        String workDirectory();
    }

    interface Defaults {

        /** Optimizer steps. */
        @WithDefault("200")
        int maxSteps();

        /** Examples per optimizer step. */
        @WithDefault("8")
        int batchSize();

        /** Learning rate for SFT under LoRA (the engine's quality runs: 2e-4). */
        @WithDefault("2e-4")
        double sftLearningRate();

        /** Learning rate for DPO under LoRA (the engine's quality runs: 5e-5). */
        @WithDefault("5e-5")
        double dpoLearningRate();

        /** LoRA rank r. */
        @WithDefault("8")
        int loraRank();

        /** LoRA alpha. */
        @WithDefault("16")
        double loraAlpha();

        /** DPO beta. */
        @WithDefault("0.1")
        double beta();

        /** Longest example in tokens. */
        @WithDefault("512")
        int maxLength();

        /** Evaluate on the eval split every this many steps (and at the last); the best evaluation is the result. */
        @WithDefault("50")
        int evalEvery();

        /** The training order's seed. */
        @WithDefault("42")
        long seed();

        /**
         * A held-out answer of at most this many tokens (a number, a word, a label) is verifiable: the candidate and
         * its parent are asked the question and scored by exact match, and when every eval record is verifiable,
         * {@code eval/exact_match} is the metric the promotion policy compares. 0 turns exact match off.
         */
        @WithDefault("16")
        int exactMatchMaxAnswerTokens();

        /** How weights train: {@code lora}, {@code qlora-int8}, {@code qlora-nf4} or {@code full}. */
        @WithDefault("lora")
        String method();
    }
}
