package io.tunestream.dataset.service;

import io.quarkus.panache.common.Sort;
import io.tunestream.dataset.Dataset;
import io.tunestream.dataset.DatasetKind;
import io.tunestream.dataset.Pipeline;
import io.tunestream.dataset.RecipeConverter;
import io.tunestream.dataset.repository.DatasetRepository;
import io.tunestream.dataset.repository.ModelProductionRepository;
import io.tunestream.dataset.repository.PairRepository;
import io.tunestream.dataset.repository.PipelineRepository;
import io.tunestream.dataset.repository.PromptRepository;
import io.tunestream.events.Recipe;
import io.tunestream.events.SamplingParameters;
import io.tunestream.platform.problem.ConflictException;
import io.tunestream.platform.problem.InvalidRequestException;
import io.tunestream.platform.problem.ResourceNotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

@ApplicationScoped
public class PipelineService {

    private final PipelineRepository pipelines;
    private final DatasetRepository datasets;
    private final ModelProductionRepository productions;
    private final PromptRepository prompts;
    private final PairRepository pairs;
    private final Event<ProductionChanged> productionChanged;
    private final Event<SamplesAdded> samplesAdded;

    public PipelineService(
            PipelineRepository pipelines,
            DatasetRepository datasets,
            ModelProductionRepository productions,
            PromptRepository prompts,
            PairRepository pairs,
            Event<ProductionChanged> productionChanged,
            Event<SamplesAdded> samplesAdded) {
        this.pipelines = pipelines;
        this.datasets = datasets;
        this.productions = productions;
        this.prompts = prompts;
        this.pairs = pairs;
        this.productionChanged = productionChanged;
        this.samplesAdded = samplesAdded;
    }

    /** Leftovers of a finished round with fewer pairs than this are superseded, unless the pipeline says otherwise. */
    public static final int DEFAULT_MIN_PAIRS = 32;

    /**
     * What a client asks for.
     *
     * @param includeGreedy null: false
     * @param training the training recipe (job hyperparameters) passed on with every version; null: the trainer's
     * @param minPairs null: {@link #DEFAULT_MIN_PAIRS}
     */
    public record PipelineSpec(
            String name,
            String dataset,
            String model,
            String recipe,
            SamplingParameters sampling,
            Boolean includeGreedy,
            Integer sealEvery,
            Duration sealWindow,
            Integer roundCap,
            Map<String, Object> training,
            Integer minPairs) {

        /** A pipeline with the default sampling extras, training recipe and minimum. */
        public PipelineSpec(
                String name,
                String dataset,
                String model,
                String recipe,
                SamplingParameters sampling,
                Integer sealEvery,
                Duration sealWindow,
                Integer roundCap) {
            this(name, dataset, model, recipe, sampling, null, sealEvery, sealWindow, roundCap, null, null);
        }
    }

    /**
     * A pipeline with its dataset's name, its prompts (all rounds; published ones), its outcome counts
     * ({@code pairs}, {@code superseded}, {@code dropped.<reason>}) and the pairs waiting for a seal.
     */
    public record PipelineView(
            Pipeline pipeline,
            String dataset,
            long prompts,
            long promptsPublished,
            Map<String, Long> outcomes,
            long waitingPairs) {}

    /**
     * Creates a pipeline. A dpo pipeline whose model already has a production version starts round 1 with it at
     * once; otherwise at the first promotion.
     */
    @Transactional
    public PipelineView create(PipelineSpec spec) {
        Names.require(spec.name(), "name");
        if (pipelines.findByName(spec.name()).isPresent()) {
            throw new ConflictException("pipeline '" + spec.name() + "' exists");
        }
        Dataset dataset = datasets.findByName(require(spec.dataset(), "dataset"))
                .orElseThrow(() -> new InvalidRequestException("dataset: no dataset named '" + spec.dataset() + "'"));
        Recipe recipe;
        try {
            recipe = RecipeConverter.fromLabel(require(spec.recipe(), "recipe"));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        requireFits(recipe, dataset.kind);
        if (spec.sealEvery() != null && spec.sealEvery() < 1) {
            throw new InvalidRequestException("sealEvery must be at least 1, got " + spec.sealEvery());
        }
        if (spec.sealWindow() != null
                && (spec.sealWindow().isNegative() || spec.sealWindow().isZero())) {
            throw new InvalidRequestException("sealWindow must be a positive ISO-8601 duration, e.g. PT1H");
        }
        if (spec.roundCap() != null && spec.roundCap() < 1) {
            throw new InvalidRequestException("roundCap must be at least 1, got " + spec.roundCap());
        }
        if (spec.minPairs() != null && spec.minPairs() < 1) {
            throw new InvalidRequestException("minPairs must be at least 1, got " + spec.minPairs());
        }
        Pipeline pipeline = new Pipeline();
        pipeline.name = spec.name();
        pipeline.datasetId = dataset.id;
        pipeline.model = require(spec.model(), "model");
        pipeline.recipe = recipe;
        pipeline.sampling = SamplingJson.write(
                spec.sampling() == null
                        ? new SamplingParameters(null, null, null, null, null, null, null, null, null)
                        : spec.sampling());
        pipeline.includeGreedy = Boolean.TRUE.equals(spec.includeGreedy());
        pipeline.training = spec.training() == null ? null : TrainingJson.write(spec.training());
        pipeline.minPairs = spec.minPairs() == null ? DEFAULT_MIN_PAIRS : spec.minPairs();
        pipeline.sealEvery = spec.sealEvery();
        pipeline.sealWindowSeconds =
                spec.sealWindow() == null ? null : spec.sealWindow().toSeconds();
        pipeline.roundCap = spec.roundCap();
        pipeline.createdAt = Instant.now();
        if (recipe == Recipe.DPO) {
            // After a promotion being applied now has committed, or before it lists this model's pipelines.
            productions.lockModel(pipeline.model);
            productions
                    .findByModel(pipeline.model)
                    .ifPresent(production -> RoundService.startRound(pipeline, production.version));
        }
        pipelines.persist(pipeline);
        if (pipeline.currentModelVersion != null) {
            productionChanged.fire(new ProductionChanged(Set.of(pipeline.id)));
        } else if (recipe != Recipe.DPO) {
            // A count trigger may already be due on the dataset's existing samples.
            samplesAdded.fire(new SamplesAdded(dataset.id));
        }
        return view(pipeline);
    }

    @Transactional
    public PipelineView get(String name) {
        return view(find(name));
    }

    @Transactional
    public List<PipelineView> list() {
        return pipelines.listAll(Sort.by("name")).stream().map(this::view).toList();
    }

    @Transactional
    public Pipeline find(String name) {
        return pipelines
                .findByName(name)
                .orElseThrow(() -> new ResourceNotFoundException("no pipeline named '" + name + "'"));
    }

    private PipelineView view(Pipeline pipeline) {
        return new PipelineView(
                pipeline,
                datasets.findById(pipeline.datasetId).name,
                prompts.countByPipeline(pipeline.id),
                prompts.countPublished(pipeline.id),
                pairs.outcomeCounts(pipeline.id),
                pairs.countWaitingPairs(pipeline.id));
    }

    private static void requireFits(Recipe recipe, DatasetKind kind) {
        if (kind == DatasetKind.EVAL) {
            throw new InvalidRequestException(
                    "dataset: an eval dataset never trains, so no pipeline can use it; name it"
                            + " as the evaluationSet of a model's promotion policy, and seal it with POST /datasets/{name}/versions");
        }
        boolean fits = switch (recipe) {
            case DPO -> kind == DatasetKind.SFT || kind == DatasetKind.PREFERENCE;
            case SFT -> kind == DatasetKind.SFT;
            case PRETRAIN -> kind == DatasetKind.PRETRAIN;
        };
        if (!fits) {
            throw new InvalidRequestException(
                    "recipe " + RecipeConverter.label(recipe) + " cannot use a " + kind.label()
                            + " dataset: dpo needs sft or preference samples (a prompt and its ground truth), sft needs sft,"
                            + " pretrain needs pretrain");
        }
    }

    private static String require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(field + " is required");
        }
        return value;
    }
}
