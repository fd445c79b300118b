package io.tunestream.generation.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of the generation-service: answers prompts with the current model and serves OpenAI-compatible inference. */
@ConfigMapping(prefix = "tunestream.generation")
public interface GenerationConfig {

    /**
     * The default model: its production version is loaded as soon as {@code tunestream.model-versions} announces it.
     * Every other registered model (and any other version) is loaded on first use.
     */
    @WithDefault("tiny-llama")
    String model();

    /**
     * Memory for model weights (counted in F32, as the engine computes): when a load takes the loaded versions over
     * it, the least recently used ones are evicted (after the work holding them ends). A single version larger than
     * the budget still loads, alone.
     */
    @WithDefault("4G")
    MemorySize memoryBudget();

    /** How long an HTTP request waits for its model to load before it gets 503 {@code model_not_ready}. */
    @WithDefault("120s")
    Duration loadTimeout();

    /**
     * Local directory of downloaded model files: one sub-directory per checkpoint, named by the hash of its file
     * list, so a version is downloaded once and a restarted replica reuses it after checking every file's sha256.
     */
    @WithDefault("${java.io.tmpdir}/tunestream-generation-cache")
    Path cacheDirectory();

    /**
     * The built-in prompt template ({@code chatml}, {@code alpaca}, {@code instruct}) for chat requests when the
     * checkpoint's tokenizer has no chat template of its own.
     */
    @WithDefault("chatml")
    String fallbackChatTemplate();

    /** The continuous-batching scheduler shared by Kafka prompts and HTTP requests. */
    Scheduler scheduler();

    /** Sampling for whatever a prompt event or an HTTP request leaves out. */
    Sampling sampling();

    /** Consumption of {@code tunestream.prompts}. */
    Prompts prompts();

    interface Scheduler {

        /** Sequences decoded together in one step (a request with n samples takes n). */
        @WithDefault("32")
        int maxBatchSize();

        /**
         * Requests waiting for a place in the batch. When it is full the prompt consumer stops taking records (the
         * Kafka channel pauses) and HTTP requests get 503 ({@code engine_overloaded}) in OpenAI's error shape.
         */
        @WithDefault("64")
        int queueCapacity();
    }

    interface Sampling {

        /** Generated tokens at most, when a request sets no {@code max_tokens}. */
        @WithDefault("64")
        int maxTokens();

        /** 0 decodes greedily. */
        @WithDefault("1.0")
        double temperature();

        /** 1 turns nucleus sampling off. */
        @WithDefault("1.0")
        double topP();

        /** 0 turns top-k off. */
        @WithDefault("0")
        int topK();

        /** Hugging Face's repetition penalty; 1 turns it off. */
        @WithDefault("1.0")
        double repetitionPenalty();

        /** Stop strings added to every request's own. */
        Optional<List<String>> stop();
    }

    interface Prompts {

        /**
         * When the scheduler's queue is full, the consumer tries again as soon as one of its generations ends, and at
         * the latest after this long (HTTP requests share the queue). The records stay unacknowledged meanwhile, so
         * the connector stops polling once its own bounded buffer is full.
         */
        @WithDefault("20ms")
        Duration queueFullRetry();

        /**
         * How long a prompt naming a model that no model-versions event has named yet waits (its registration may
         * still be on its way) before it is answered with an error event.
         */
        @WithDefault("60s")
        Duration unknownModelTimeout();
    }
}
