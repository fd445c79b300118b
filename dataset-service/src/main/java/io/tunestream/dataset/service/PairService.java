package io.tunestream.dataset.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.tunestream.dataset.DropReason;
import io.tunestream.dataset.Prompt;
import io.tunestream.dataset.Sample;
import io.tunestream.dataset.repository.PairRepository;
import io.tunestream.dataset.repository.PairRepository.StoredGeneration;
import io.tunestream.dataset.repository.PromptRepository;
import io.tunestream.dataset.repository.SampleRepository;
import io.tunestream.events.FinishReason;
import io.tunestream.events.GenerationEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Pair assembly: joins a generation with the samples whose prompt it answers. Each of its answers makes one outcome:
 * a pair (chosen = the ground truth, rejected = the answer) for every distinct wrong answer, or a counted drop
 * ({@link PairJudge}). A generation is recorded once under its natural key (prompt hash, model, version); a
 * redelivery or duplicate finds it recorded and changes nothing, and a sample has at most one outcome per pipeline,
 * model version and answer index.
 */
@ApplicationScoped
public class PairService {

    static final String ERROR = FinishReason.ERROR.name().toLowerCase(Locale.ROOT);

    private final PairRepository pairs;
    private final PromptRepository prompts;
    private final SampleRepository samples;
    private final Event<PairsAdded> pairsAdded;
    private final MeterRegistry metrics;

    public PairService(
            PairRepository pairs,
            PromptRepository prompts,
            SampleRepository samples,
            Event<PairsAdded> pairsAdded,
            MeterRegistry metrics) {
        this.pairs = pairs;
        this.prompts = prompts;
        this.samples = samples;
        this.pairsAdded = pairsAdded;
        this.metrics = metrics;
    }

    /** @return whether the generation was new (a redelivery returns false and changes nothing) */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean assemble(GenerationEvent generation) {
        String finishReason = generation.finishReason().name().toLowerCase(Locale.ROOT);
        String sampling = SamplingJson.write(generation.sampling());
        if (!pairs.recordGeneration(
                generation.promptHash(),
                generation.model(),
                generation.modelVersion(),
                generation.text(),
                generation.completions(),
                finishReason,
                generation.error(),
                sampling)) {
            return false;
        }
        StoredGeneration stored =
                new StoredGeneration(generation.text(), generation.completions(), finishReason, generation.error());
        Set<Long> pipelines = new HashSet<>();
        for (Prompt prompt :
                prompts.answeredBy(generation.promptHash(), generation.model(), generation.modelVersion())) {
            if (resolve(prompt, stored)) {
                pipelines.add(prompt.pipelineId);
            }
        }
        if (!pipelines.isEmpty()) {
            pairsAdded.fire(new PairsAdded(pipelines));
        }
        return true;
    }

    /**
     * Makes the pairs and drops of one prompt from its generation's answers, each unless the sample already has one
     * for the version and answer index.
     *
     * @return whether any was stored
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean resolve(Prompt prompt, StoredGeneration generation) {
        Sample sample = samples.findById(prompt.sampleId);
        boolean failed = ERROR.equals(generation.finishReason());
        boolean any = false;
        for (PairJudge.Outcome outcome :
                PairJudge.judge(sample.referenceAnswer, generation.completions(), failed, generation.error())) {
            String drop = outcome.drop().map(DropReason::label).orElse(null);
            if (pairs.insertIfAbsent(
                    prompt.pipelineId,
                    prompt.sampleId,
                    prompt.round,
                    prompt.modelVersion,
                    outcome.answerIndex(),
                    prompt.promptHash,
                    sample.referenceAnswer,
                    outcome.rejected(),
                    drop)) {
                any = true;
                // Counted as attempted: a transaction that rolls back afterwards is redelivered and counted again.
                metrics.counter("tunestream.dataset.pair.outcomes", "outcome", drop == null ? "pair" : drop)
                        .increment();
            }
        }
        return any;
    }
}
