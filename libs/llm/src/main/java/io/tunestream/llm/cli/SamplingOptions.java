package io.tunestream.llm.cli;

import io.tunestream.llm.generation.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** Sampling flags shared by {@code generate} and {@code chat}. */
final class SamplingOptions {

    @Option(names = "--max-new-tokens", defaultValue = "128", description = "most tokens to generate (default 128)")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "0 = greedy (default 0.8)")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "0 = off")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "1 = off")
    double topP;

    @Option(names = "--repetition-penalty", defaultValue = "1.0", description = "1 = off")
    double repetitionPenalty;

    @Option(names = "--frequency-penalty", defaultValue = "0")
    double frequencyPenalty;

    @Option(names = "--presence-penalty", defaultValue = "0")
    double presencePenalty;

    @Option(names = "--stop", description = "stop string (repeatable)")
    List<String> stopStrings = new ArrayList<>();

    @Option(names = "--stop-id", description = "stop token id (repeatable)")
    List<Integer> stopIds = new ArrayList<>();

    @Option(names = "--seed", description = "makes sampling reproducible")
    Long seed;

    @Option(names = "--ignore-eos", description = "keep generating past end-of-sequence tokens")
    boolean ignoreEos;

    SamplingParams toParams(int n) {
        return new SamplingParams(
                maxNewTokens,
                temperature,
                topK,
                topP,
                repetitionPenalty,
                frequencyPenalty,
                presencePenalty,
                Set.copyOf(stopIds),
                stopStrings,
                n,
                seed,
                ignoreEos);
    }
}
