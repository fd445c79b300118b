package io.tunestream.generation.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tunestream.events.FinishReason;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.PromptEvent;
import io.tunestream.generation.config.GenerationConfig;
import io.tunestream.llm.generation.Completion;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationResult;
import io.tunestream.llm.generation.QueueFullException;
import io.tunestream.llm.generation.SamplingParams;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Answers prompt events with the production version of the model each one names: one {@link GenerationEvent} per prompt, naming the version that
 * produced it, with every answer the prompt asked for ({@code sampling.n} sampled ones, after a greedy one when
 * {@code includeGreedy}). A prompt that cannot be answered gets an event with {@code finishReason=error} and the reason, never
 * silence.
 */
@ApplicationScoped
public class PromptGenerationService {

    private static final Logger LOG = Logger.getLogger(PromptGenerationService.class);

    private final ModelCatalog models;
    private final SamplingDefaults sampling;
    private final Duration queueFullRetry;
    private final Duration unknownModelTimeout;
    /** A prompt's answers run side by side in one batch, so no prompt may ask for more than a batch holds. */
    private final int maxAnswersPerPrompt;

    private final Clock clock = Clock.systemUTC();
    private final AtomicInteger waitingForModel = new AtomicInteger();
    /** Completed, and replaced, whenever one of this service's generations ends: a full queue has room again. */
    private final AtomicReference<CompletableFuture<Void>> generationEnded =
            new AtomicReference<>(new CompletableFuture<>());

    public PromptGenerationService(
            ModelCatalog models, SamplingDefaults sampling, GenerationConfig config, MeterRegistry metrics) {
        this.models = models;
        this.sampling = sampling;
        this.queueFullRetry = config.prompts().queueFullRetry();
        this.unknownModelTimeout = config.prompts().unknownModelTimeout();
        this.maxAnswersPerPrompt = config.scheduler().maxBatchSize();
        Gauge.builder("tunestream.generation.prompts.waiting", waitingForModel, AtomicInteger::get)
                .description("Prompts held because the model version they name is not loaded yet")
                .register(metrics);
    }

    /** Prompts held now because the version they name is still loading or not yet announced. */
    public int waitingForModel() {
        return waitingForModel.get();
    }

    /**
     * Puts the prompt into the scheduler and returns its generation to come. Blocks the calling thread while the
     * prompt waits for its model version or for room in the scheduler's queue: that wait is the backpressure that
     * stops the caller from taking more prompts. The returned future never completes exceptionally; failures become
     * error events.
     *
     * @throws InterruptedException when the calling thread is interrupted while waiting (shutdown)
     */
    public CompletableFuture<GenerationEvent> submit(PromptEvent prompt) throws InterruptedException {
        SamplingParams params;
        try {
            params = sampling.toEngine(prompt.sampling());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(error(prompt, "invalid sampling parameters: " + e.getMessage()));
        }
        if (prompt.answersRequested() > maxAnswersPerPrompt) {
            return CompletableFuture.completedFuture(error(
                    prompt,
                    "the prompt asks for " + prompt.answersRequested()
                            + " answers (sampling.n " + params.n()
                            + (prompt.includeGreedy() ? " plus the greedy one" : "")
                            + "), more than the " + maxAnswersPerPrompt + " this service runs at once for one prompt"));
        }
        // The greedy answer shares the prompt's length limit and stop strings; only the sampling differs.
        List<SamplingParams> requests = prompt.includeGreedy() ? List.of(greedy(params), params) : List.of(params);
        long unknownDeadline = System.nanoTime() + unknownModelTimeout.toNanos();
        while (true) {
            CompletableFuture<Void> changed = models.whenChanged();
            VersionDecision decision = models.decide(prompt.model(), prompt.modelVersion());
            if (decision instanceof VersionDecision.Refuse refuse) {
                return CompletableFuture.completedFuture(error(prompt, refuse.reason()));
            }
            if (decision instanceof VersionDecision.Wait) {
                boolean unknown = !models.knows(prompt.model());
                long left = unknownDeadline - System.nanoTime();
                if (unknown && left <= 0) {
                    return CompletableFuture.completedFuture(error(
                            prompt,
                            "model '" + prompt.model() + "' is not registered: no model-versions event named it within "
                                    + unknownModelTimeout));
                }
                waitingForModel.incrementAndGet();
                try {
                    awaitChange(changed, unknown ? left : Long.MAX_VALUE);
                } finally {
                    waitingForModel.decrementAndGet();
                }
                continue;
            }
            ServedModel model =
                    models.acquire(prompt.model(), prompt.modelVersion()).orElse(null);
            if (model == null) {
                continue; // swapped out between the decision and the hold: decide again
            }
            List<CompletableFuture<GenerationResult>> results = new ArrayList<>();
            try {
                int[] tokens = model.encode(prompt.prompt(), true);
                long started = System.nanoTime();
                for (SamplingParams request : requests) {
                    results.add(submitWhenRoom(model, new GenerationRequest(tokens, request), !results.isEmpty()));
                }
                return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                        .handle((done, failure) -> {
                            model.release();
                            generationEnded.getAndSet(new CompletableFuture<>()).complete(null);
                            long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                            return failure == null
                                    ? answer(
                                            prompt,
                                            model.version(),
                                            results.stream()
                                                    .map(CompletableFuture::join)
                                                    .toList(),
                                            latency)
                                    : error(prompt, "generation failed: " + rootMessage(failure));
                        });
            } catch (QueueFullException e) {
                // Only the first request can be refused here: nothing of this prompt runs yet.
                model.release();
                awaitRoom(generationEnded.get());
            } catch (RuntimeException e) {
                model.release();
                return CompletableFuture.completedFuture(error(prompt, rootMessage(e)));
            }
        }
    }

    /**
     * Submits one of the prompt's requests. The first may be refused with a full queue (the caller waits and starts
     * over); a later one waits here for room instead, since its sibling already runs and holds the model.
     */
    private CompletableFuture<GenerationResult> submitWhenRoom(
            ServedModel model, GenerationRequest request, boolean siblingRunning) throws InterruptedException {
        while (true) {
            CompletableFuture<Void> roomSignal = generationEnded.get();
            try {
                return model.scheduler().submit(request);
            } catch (QueueFullException e) {
                if (!siblingRunning) {
                    throw e;
                }
                awaitRoom(roomSignal);
            }
        }
    }

    /**
     * Waits until one of this service's generations ends (the scheduler admits a queued request whenever a running
     * one ends), or at most {@code queue-full-retry}, since HTTP requests share the queue and their ends are not
     * signalled here.
     */
    private void awaitRoom(CompletableFuture<Void> roomSignal) throws InterruptedException {
        try {
            roomSignal.get(queueFullRetry.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.tracef("the scheduler's queue is still full after %s", queueFullRetry);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the generation-ended signal failed", e);
        }
    }

    private static void awaitChange(CompletableFuture<Void> changed, long maxNanos) throws InterruptedException {
        try {
            changed.get(maxNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.tracef("no model-versions event yet");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the model state signal failed", e);
        }
    }

    /**
     * Every answer in order (the greedy one first when asked); {@code finishReason} is the first answer's and
     * {@code completionTokens} counts the tokens of all of them.
     */
    private GenerationEvent answer(
            PromptEvent prompt, int version, List<GenerationResult> results, long latencyMillis) {
        List<Completion> completions = results.stream()
                .flatMap(result -> result.completions().stream())
                .toList();
        Completion first = completions.get(0);
        FinishReason reason = switch (first.finishReason()) {
            case STOP -> FinishReason.STOP;
            case LENGTH -> FinishReason.LENGTH;
        };
        int completionTokens = completions.stream()
                .mapToInt(completion -> completion.tokenIds().length)
                .sum();
        return new GenerationEvent(
                UUID.randomUUID().toString(),
                GenerationEvent.SCHEMA_VERSION,
                clock.instant(),
                prompt.promptHash(),
                prompt.dataset(),
                prompt.pipeline(),
                prompt.sampleId(),
                prompt.round(),
                prompt.model(),
                version,
                prompt.sampling(),
                first.text(),
                reason,
                results.get(0).promptTokens(),
                completionTokens,
                latencyMillis,
                null,
                completions.stream().map(Completion::text).toList());
    }

    /** The same request decoded greedily, once. */
    private static SamplingParams greedy(SamplingParams params) {
        return new SamplingParams(
                params.maxNewTokens(),
                0,
                0,
                1,
                params.repetitionPenalty(),
                params.frequencyPenalty(),
                params.presencePenalty(),
                params.stopTokenIds(),
                params.stopStrings(),
                1,
                null,
                params.ignoreEos());
    }

    private GenerationEvent error(PromptEvent prompt, String reason) {
        LOG.warnf(
                "prompt %s for %s version %d: %s", prompt.promptHash(), prompt.model(), prompt.modelVersion(), reason);
        return new GenerationEvent(
                UUID.randomUUID().toString(),
                GenerationEvent.SCHEMA_VERSION,
                clock.instant(),
                prompt.promptHash(),
                prompt.dataset(),
                prompt.pipeline(),
                prompt.sampleId(),
                prompt.round(),
                prompt.model(),
                prompt.modelVersion(),
                prompt.sampling(),
                "",
                FinishReason.ERROR,
                0,
                0,
                0,
                reason);
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause.getMessage() != null
                ? cause.getMessage()
                : cause.getClass().getSimpleName();
    }
}
