package io.tunestream.training.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the training-service: training jobs over sealed dataset versions, their metrics and checkpoints. */
@ConfigMapping(prefix = "tunestream.training")
public interface TrainingConfig {

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

    /** The registry-service, asked for a model's promotion policy when a job finishes training. */
    Registry registry();

    interface Registry {

        /**
         * The registry-service's base URL, e.g. {@code http://localhost:8084}: a finished job reads
         * {@code GET {url}/models/{model}/policy}, and when the policy names an evaluation set, parent and candidate
         * answer it and the trained-model event carries the result ({@code evaluation}). Unset: no job is measured on
         * an evaluation set (the registry then falls back to {@code evalMetric}, or rejects when its policy names a set).
         */
        Optional<URI> url();
    }

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

        /**
         * Learning rate for DPO. 3e-5: in the engine's {@code bench-quality} DPO round (checkpoint chosen by exact
         * match on validation questions, the start competing as step 0) 1e-4 peaked at step 10 and fell after, while
         * at 3e-5 the validation curve was flat to rising and gave +2.0 points (docs/engine.md).
         */
        @WithDefault("3e-5")
        double dpoLearningRate();

        /** LoRA rank r. */
        @WithDefault("8")
        int loraRank();

        /** LoRA alpha. */
        @WithDefault("16")
        double loraAlpha();

        /** DPO beta (TRL's default and {@code bench-quality}'s: 0.1). */
        @WithDefault("0.1")
        double beta();

        /** The DPO loss: {@code sigmoid} (the DPO paper's, {@code bench-quality}'s), {@code ipo} or {@code hinge}. */
        @WithDefault("sigmoid")
        String lossType();

        /** DPO label smoothing (conservative DPO), in [0, 0.5); sigmoid loss only. */
        @WithDefault("0")
        double labelSmoothing();

        /**
         * Weight of the NLL term on the chosen answer in DPO, the usual guard against the chosen and rejected
         * log-probabilities falling together; 1.0 is {@code bench-quality}'s setting, with which its figures were
         * measured (docs/engine.md). 0 turns it off.
         */
        @WithDefault("1.0")
        double nllWeight();

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
