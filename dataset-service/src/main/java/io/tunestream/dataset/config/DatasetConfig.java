package io.tunestream.dataset.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the dataset-service: datasets, samples, preference pairs and sealed dataset versions. */
@ConfigMapping(prefix = "tunestream.dataset")
public interface DatasetConfig {

    /** The CloudEvents {@code source} of the events this service publishes. */
    @WithDefault("/tunestream/dataset-service")
    String eventSource();

    /** Uploads. */
    UploadConfig upload();

    /** Prompts for {@code dpo} pipelines. */
    PromptConfig prompts();

    /** Sealing dataset versions. */
    SealingConfig sealing();

    /** The largest page of samples one request may ask for. */
    @WithDefault("500")
    int maxPageSize();

    interface UploadConfig {

        /** How many bad records a rejected upload's 400 names (all are counted). */
        @WithDefault("100")
        int maxErrors();

        /** Where an upload is spooled while it is validated; the system's temporary directory when absent. */
        Optional<String> spoolDirectory();

        /** How many samples one database batch inserts. */
        @WithDefault("500")
        int insertBatchSize();
    }

    interface PromptConfig {

        /**
         * The built-in template ({@code chatml}, {@code alpaca}, {@code instruct}) for a model version whose tokenizer
         * files carry no chat template, or that lists no tokenizer files at all.
         */
        @WithDefault("chatml")
        String fallbackTemplate();

        /** How many prompts are sent before waiting for the broker's acknowledgements. */
        @WithDefault("200")
        int publishBatchSize();

        /**
         * A published prompt without a generation after this long is sent again by the periodic check (the
         * generation-service answers a prompt hash once, so a resend costs at most one generation); absent: only
         * {@code POST /pipelines/{name}/prompts/resend} re-sends.
         */
        Optional<Duration> resendAfter();
    }

    interface SealingConfig {

        /** The fraction of samples in {@code eval.jsonl}, chosen by hash of the sample's content, so stable. */
        @WithDefault("0.1")
        double evalFraction();

        /**
         * How often the service looks for time-window seals that are due, version events and prompts that were not
         * acknowledged, and (with {@code prompts.resend-after}) unanswered prompts.
         */
        @WithDefault("10s")
        Duration checkInterval();
    }
}
