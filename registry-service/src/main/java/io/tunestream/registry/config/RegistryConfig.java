package io.tunestream.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.tunestream.registry.PromotionMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of the registry-service: models, versions, aliases, lineage and promotion. */
@ConfigMapping(prefix = "tunestream.registry")
public interface RegistryConfig {

    /** The policy a new model starts with; each model's own can be changed over REST. */
    Promotion promotion();

    /** Registration of trained models from {@code tunestream.trained-models}. */
    Registration registration();

    /** The transactional outbox of model-versions events. */
    Outbox outbox();

    /** Import of existing Hugging Face checkpoints. */
    Import importing();

    interface Promotion {

        /**
         * {@code automatic} (a trained candidate is promoted when it beats its parent by the policy's rule: on the
         * evaluation set the policy names, else on the eval metric, and rejected otherwise) or {@code manual} (it
         * waits under the {@code candidate} alias). Automatic by default, so the loop runs unattended and a worse model
         * is never promoted.
         */
        @WithDefault("automatic")
        PromotionMode defaultMode();

        /** How much a candidate's eval metric must exceed its parent's for an automatic promotion (0 = at least equal). */
        @WithDefault("0.0")
        double defaultMargin();

        /**
         * The significance level a new model's policy starts with: with an evaluation set, the one-sided sign test on
         * the discordant items must give a p-value at most this. 0.05: a gain this large happens by chance in at most
         * one comparison in twenty.
         */
        @WithDefault("0.05")
        double defaultAlpha();

        /**
         * The largest drop of one task family's accuracy on the evaluation set that a new model's policy still
         * promotes, as a fraction (0.02 = 2 points): a gain overall must not hide a family that got worse.
         */
        @WithDefault("0.02")
        double defaultFamilyTolerance();
    }

    interface Registration {

        /**
         * Attempts at a registration that fails for a reason that may pass (object store or database unavailable)
         * before its record goes to the dead-letter topic. An invalid event or a file whose sha256 differs from the
         * event's is dead-lettered at once.
         */
        @WithDefault("3")
        int attempts();

        /** The wait before the second attempt; it doubles before each further one. */
        @WithDefault("1s")
        Duration retryBackoff();
    }

    interface Outbox {

        /**
         * How often the relay looks for events that were committed but not sent (after a crash between commit and
         * send, or while the broker was unavailable). Events are also sent right after each commit.
         */
        @WithDefault("5s")
        Duration pollInterval();

        /** Events sent per relay transaction. */
        @WithDefault("100")
        int batchSize();

        /** How long the relay waits for the broker to acknowledge one event before it tries again later. */
        @WithDefault("30s")
        Duration sendTimeout();
    }

    interface Import {

        /**
         * Server directories under which {@code POST /models/{model}/import} with {@code {"directory": ...}} may read a
         * checkpoint. Empty (the default): directory import is refused and only uploads are accepted, so a client
         * cannot make the service read arbitrary files.
         */
        Optional<List<Path>> allowedDirectories();

        /** Where uploaded checkpoint files are unpacked before validation; removed after each import. */
        @WithDefault("${java.io.tmpdir}/tunestream-registry-imports")
        Path workDirectory();
    }
}
