package io.tunestream.dataset.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.tunestream.dataset.Dataset;
import io.tunestream.dataset.ModelProduction;
import io.tunestream.dataset.Pipeline;
import io.tunestream.dataset.Prompt;
import io.tunestream.dataset.Sample;
import io.tunestream.dataset.config.DatasetConfig;
import io.tunestream.dataset.messaging.EventPublisher;
import io.tunestream.dataset.repository.DatasetRepository;
import io.tunestream.dataset.repository.ModelProductionRepository;
import io.tunestream.dataset.repository.PairRepository;
import io.tunestream.dataset.repository.PipelineRepository;
import io.tunestream.dataset.repository.PromptRepository;
import io.tunestream.dataset.repository.SampleRepository;
import io.tunestream.events.EventIds;
import io.tunestream.events.PromptEvent;
import io.tunestream.events.Recipe;
import io.tunestream.events.SamplingParameters;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.platform.storage.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sends the prompts of a dpo pipeline's current round: one per sample that has none for the production version,
 * rendered with that version's template and keyed by the sha256 of the rendered text.
 *
 * <p>Each prompt is first recorded (in batches, under the pipeline's row lock), then published; the record is marked
 * when the broker acknowledged it. A restart therefore publishes only what was never acknowledged, and a sample
 * never gets a second prompt for the same version. A prompt whose hash was already answered by this model version
 * (another pipeline, a shared prompt) takes that generation at once instead of being sent.
 */
@ApplicationScoped
public class PromptDispatcher {

    private static final int CREATE_BATCH = 500;

    private final PipelineRepository pipelines;
    private final DatasetRepository datasets;
    private final SampleRepository samples;
    private final PromptRepository prompts;
    private final PairRepository pairs;
    private final ModelProductionRepository productions;
    private final PromptTemplateResolver templates;
    private final PairService pairService;
    private final EventPublisher publisher;
    private final DatasetConfig config;
    private final MeterRegistry metrics;

    public PromptDispatcher(
            PipelineRepository pipelines,
            DatasetRepository datasets,
            SampleRepository samples,
            PromptRepository prompts,
            PairRepository pairs,
            ModelProductionRepository productions,
            PromptTemplateResolver templates,
            PairService pairService,
            EventPublisher publisher,
            DatasetConfig config,
            MeterRegistry metrics) {
        this.pipelines = pipelines;
        this.datasets = datasets;
        this.samples = samples;
        this.prompts = prompts;
        this.pairs = pairs;
        this.productions = productions;
        this.templates = templates;
        this.pairService = pairService;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
    }

    private record Target(String model, int version, String artifact) {}

    /**
     * Records and publishes every prompt the pipeline's round still lacks (up to its cap), and publishes those
     * recorded earlier but never acknowledged.
     *
     * @return the prompts published
     */
    public int dispatch(long pipelineId) {
        Optional<Target> target = QuarkusTransaction.requiringNew().call(() -> currentTarget(pipelineId));
        if (target.isEmpty()) {
            return 0;
        }
        PromptTemplate template = templates.templateFor(
                target.get().model(), target.get().version(), target.get().artifact());
        while (QuarkusTransaction.requiringNew().call(() -> recordPrompts(pipelineId, target.get(), template)) > 0) {
            // Next batch: each transaction holds the pipeline's lock only for one batch.
        }
        int published = 0;
        int batch;
        while ((batch = QuarkusTransaction.requiringNew().call(() -> publishUnpublished(pipelineId))) > 0) {
            published += batch;
        }
        return published;
    }

    /**
     * Sends again the prompts of the current round that were published before {@code publishedBefore} and have no
     * pair or drop yet (the generation was lost, or the generation-service was down).
     *
     * @return the prompts sent again
     */
    public int resendUnanswered(long pipelineId, Instant publishedBefore) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Pipeline pipeline = pipelines.lock(pipelineId);
            if (pipeline.currentModelVersion == null) {
                return 0;
            }
            List<Prompt> unanswered = prompts.unanswered(pipelineId, pipeline.currentModelVersion, publishedBefore);
            send(pipeline, unanswered);
            return unanswered.size();
        });
    }

    private Optional<Target> currentTarget(long pipelineId) {
        Pipeline pipeline = pipelines.findById(pipelineId);
        if (pipeline == null || pipeline.recipe != Recipe.DPO || pipeline.currentModelVersion == null) {
            return Optional.empty();
        }
        Optional<ModelProduction> production = productions.findByModel(pipeline.model);
        // Production moved on (or back) and the round change is being applied: the next dispatch renders for it.
        if (production.isEmpty() || production.get().version != pipeline.currentModelVersion) {
            return Optional.empty();
        }
        return Optional.of(new Target(pipeline.model, production.get().version, production.get().artifact));
    }

    private int recordPrompts(long pipelineId, Target target, PromptTemplate template) {
        Pipeline pipeline = pipelines.lock(pipelineId);
        if (pipeline.currentModelVersion == null || pipeline.currentModelVersion != target.version()) {
            return 0;
        }
        long left = pipeline.roundCap == null
                ? Long.MAX_VALUE
                : pipeline.roundCap - prompts.countInRound(pipelineId, pipeline.currentRound);
        int limit = (int) Math.min(left, CREATE_BATCH);
        if (limit <= 0) {
            return 0;
        }
        List<Sample> unprompted = samples.withoutPrompt(pipeline.datasetId, pipelineId, target.version(), limit);
        Instant now = Instant.now();
        for (Sample sample : unprompted) {
            String text = template.render(SampleContent.messagesFromJson(sample.promptMessages), true);
            Prompt prompt = new Prompt();
            prompt.pipelineId = pipelineId;
            prompt.sampleId = sample.id;
            prompt.round = pipeline.currentRound;
            prompt.model = target.model();
            prompt.modelVersion = target.version();
            prompt.promptText = text;
            prompt.promptHash = Sha256.of(text);
            prompt.createdAt = now;
            prompts.persist(prompt);
            Optional<PairRepository.StoredGeneration> answered =
                    pairs.generation(prompt.promptHash, target.model(), target.version());
            if (answered.isPresent()) {
                // Nothing to send: the answer is here. Marked as published so that no later pass sends it.
                prompt.publishedAt = now;
                prompts.flush();
                pairService.resolve(prompt, answered.get());
            }
        }
        return unprompted.size();
    }

    private int publishUnpublished(long pipelineId) {
        Pipeline pipeline = pipelines.lock(pipelineId);
        if (pipeline.currentModelVersion == null) {
            return 0;
        }
        List<Prompt> unpublished = prompts.unpublished(
                pipelineId, pipeline.currentModelVersion, config.prompts().publishBatchSize());
        send(pipeline, unpublished);
        return unpublished.size();
    }

    /** Publishes and, once the broker acknowledged all of them, marks them, in the caller's transaction. */
    private void send(Pipeline pipeline, List<Prompt> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Dataset dataset = datasets.findById(pipeline.datasetId);
        SamplingParameters sampling = SamplingJson.read(pipeline.sampling);
        int size = config.prompts().publishBatchSize();
        Instant now = Instant.now();
        for (int from = 0; from < batch.size(); from += size) {
            List<Prompt> chunk = batch.subList(from, Math.min(batch.size(), from + size));
            List<PromptEvent> events = new ArrayList<>(chunk.size());
            for (Prompt prompt : chunk) {
                events.add(new PromptEvent(
                        EventIds.next(),
                        PromptEvent.SCHEMA_VERSION,
                        now,
                        prompt.promptHash,
                        dataset.name,
                        pipeline.name,
                        String.valueOf(prompt.sampleId),
                        prompt.round,
                        prompt.model,
                        prompt.modelVersion,
                        prompt.promptText,
                        sampling,
                        pipeline.includeGreedy));
            }
            publisher.publishPrompts(events);
            prompts.markPublished(chunk.stream().map(prompt -> prompt.id).toList(), now);
            metrics.counter("tunestream.dataset.prompts.published").increment(chunk.size());
        }
    }
}
