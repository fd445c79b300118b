package io.tunestream.dataset;

import io.tunestream.llm.data.DataFormat;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/** What a dataset holds, and so which of the engine's record formats its samples may have. */
public enum DatasetKind {
    /** Supervised examples: Alpaca records or conversations. */
    SFT(Set.of(DataFormat.INSTRUCTION, DataFormat.CONVERSATION)),
    /** Preference triples {@code prompt/chosen/rejected}. */
    PREFERENCE(Set.of(DataFormat.PREFERENCE)),
    /** Plain text for continued pretraining. */
    PRETRAIN(Set.of(DataFormat.TEXT)),
    /**
     * An evaluation set: verifiable questions (Alpaca records, optionally with a {@code family} string) that a
     * model's promotion policy names. It never trains: no pipeline takes it, and its versions are never published.
     */
    EVAL(Set.of(DataFormat.INSTRUCTION));

    private final Set<DataFormat> formats;

    DatasetKind(Set<DataFormat> formats) {
        this.formats = formats;
    }

    public Set<DataFormat> formats() {
        return formats;
    }

    public boolean accepts(DataFormat format) {
        return formats.contains(format);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted kinds */
    public static DatasetKind fromLabel(String label) {
        return Arrays.stream(values())
                .filter(kind -> kind.label().equals(label))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("kind '" + label + "' is not a dataset kind; accepted: "
                        + Arrays.stream(values()).map(DatasetKind::label).toList()));
    }
}
