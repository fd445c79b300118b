package io.tunestream.llm.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.KvCache;
import io.tunestream.llm.model.LlamaModel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching: one thread owns the model's decode loop; requests from any thread wait in a bounded queue
 * and join the running batch between decode steps (their prompts are prefilled as a left-padded batch and their
 * caches appended to the running cache); finished sequences leave at once. One model thus serves many concurrent
 * callers, and a long generation never holds a short one back.
 */
public final class GenerationScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationScheduler.class);
    private static final SecureRandom SEEDS = new SecureRandom();
    /** Prompt tokens decoded before the output to give its first token the right surroundings. */
    private static final int CONTEXT_TOKENS = 4;

    private final LlamaModel model;
    private final TextDecoder decoder;
    private final Set<Integer> eosTokenIds;
    private final SchedulerSettings settings;
    private final LinkedBlockingQueue<Pending> queue;
    private final Thread worker;
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param decoder     turns ids into text for stop strings and streamed text; null for ids only
     * @param eosTokenIds the model's end-of-sequence ids, stopping every request unless it sets {@code ignoreEos}
     */
    public GenerationScheduler(
            LlamaModel model, TextDecoder decoder, Set<Integer> eosTokenIds, SchedulerSettings settings) {
        this.model = model;
        this.decoder = decoder;
        this.eosTokenIds = Set.copyOf(eosTokenIds);
        this.settings = settings;
        this.queue = new LinkedBlockingQueue<>(settings.queueCapacity());
        this.worker = new Thread(this::loop, "tunestream-generation");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /**
     * Queues a request. Throws {@link QueueFullException} when the queue is full, and {@link IllegalArgumentException}
     * for a request this model cannot serve (too long a prompt, stop strings without a tokenizer).
     */
    public CompletableFuture<GenerationResult> submit(GenerationRequest request) {
        if (closed) {
            throw new IllegalStateException("the generation scheduler is closed");
        }
        int context = model.config().maxPositionEmbeddings();
        if (request.promptIds().length >= context) {
            throw new IllegalArgumentException("the prompt has " + request.promptIds().length
                    + " tokens; the model's context is " + context + " tokens");
        }
        if (!request.params().stopStrings().isEmpty() && decoder == null) {
            throw new IllegalArgumentException("stop strings need a tokenizer; this model has none");
        }
        if (request.params().n() > settings.maxBatchSize()) {
            throw new IllegalArgumentException(
                    "n = " + request.params().n() + " exceeds the batch size " + settings.maxBatchSize());
        }
        int vocab = model.config().vocabSize();
        for (int id : request.promptIds()) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        Pending pending = new Pending(request, new CompletableFuture<>());
        if (!queue.offer(pending)) {
            throw new QueueFullException(settings.queueCapacity());
        }
        if (closed && queue.remove(pending)) {
            // close() ran between the check above and the offer: nobody would ever serve this request.
            throw new IllegalStateException("the generation scheduler is closed");
        }
        return pending.future;
    }

    /** Requests waiting for a place in the batch. */
    public int queued() {
        return queue.size();
    }

    /** Free places in the queue. */
    public int remainingCapacity() {
        return queue.remainingCapacity();
    }

    /** Sequences in the running batch. */
    public int running() {
        return running.get();
    }

    private record Pending(GenerationRequest request, CompletableFuture<GenerationResult> future) {}

    /** A request in flight: its samples finish independently, the future completes when all have. */
    private static final class Flight {
        final Pending pending;
        final Completion[] completions;
        int unfinished;

        Flight(Pending pending) {
            this.pending = pending;
            this.completions = new Completion[pending.request.params().n()];
            this.unfinished = completions.length;
        }
    }

    /**
     * One sample being decoded: a row of the running batch.
     *
     * <p>Its text grows incrementally, as in vLLM's and TGI's detokenizers: each step decodes only a short window of
     * ids (from the start of the last emitted piece) and appends what the new tokens add, holding back an incomplete
     * character; stop strings are searched only where a new one can appear (the new text and the few characters
     * before it). Each step's work is thus bounded by the window, not by the output's length.
     */
    private final class Sequence {
        final Flight flight;
        final int sampleIndex;
        final SamplingParams params;
        final TokenSampler sampler;
        final int promptLength;
        final List<TokenLogprob> logprobs;
        /** The prompt's last tokens followed by the generated ones: the windows are cut from it. */
        int[] ids;

        int contextLength;
        int generatedCount;
        /** Window start: the first id of the last piece of text appended. */
        int prefixOffset;
        /** The first id whose text is not appended yet. */
        int readOffset;

        final StringBuilder text = new StringBuilder();
        final int longestStop;
        /** Where the first stop string starts in {@link #text}, or -1. */
        int stopAt = -1;

        int emittedLength;
        int lastToken;
        Integer stopTokenId;

        Sequence(Flight flight, int sampleIndex, SplittableRandom random) {
            this.flight = flight;
            this.sampleIndex = sampleIndex;
            GenerationRequest request = flight.pending.request;
            this.params = request.params();
            this.promptLength = request.promptIds().length;
            this.sampler = new TokenSampler(
                    params,
                    request.promptIds(),
                    random,
                    request.grammar() == null ? null : request.grammar().start(),
                    params.ignoreEos() ? Set.of() : eosTokenIds);
            this.logprobs = request.topLogprobs() == null ? null : new ArrayList<>();
            int[] prompt = request.promptIds();
            // The prompt's last tokens start the first window, so a first word keeps its leading space
            // (SentencePiece drops it when decoding the output alone); their text is cut off.
            this.contextLength = Math.min(CONTEXT_TOKENS, prompt.length);
            this.ids = Arrays.copyOf(
                    Arrays.copyOfRange(prompt, prompt.length - contextLength, prompt.length),
                    contextLength + Math.min(params.maxNewTokens(), 256));
            this.prefixOffset = 0;
            this.readOffset = contextLength;
            this.longestStop =
                    params.stopStrings().stream().mapToInt(String::length).max().orElse(0);
        }

        /** Takes a sampled token; returns the finish reason if the sample is done. */
        FinishReason accept(int token, float[] logits, int offset, int vocab) {
            if (logprobs != null) {
                logprobs.add(TokenLogprob.of(logits, offset, vocab, token, flight.pending.request.topLogprobs()));
            }
            boolean stopToken =
                    params.stopTokenIds().contains(token) || (!params.ignoreEos() && eosTokenIds.contains(token));
            if (stopToken) {
                if (logprobs != null) {
                    logprobs.remove(logprobs.size() - 1);
                }
                stopTokenId = token;
                return FinishReason.STOP;
            }
            if (contextLength + generatedCount == ids.length) {
                ids = Arrays.copyOf(ids, ids.length * 2);
            }
            ids[contextLength + generatedCount++] = token;
            sampler.accept(token);
            lastToken = token;
            String delta = null;
            FinishReason reason = null;
            if (decoder != null) {
                appendNewText(false);
                if (stopAt >= 0) {
                    reason = FinishReason.STOP;
                }
                int stable = reason == null ? safeEnd() : stopAt;
                delta = stable > emittedLength ? text.substring(emittedLength, stable) : "";
                emittedLength = Math.max(emittedLength, stable);
            }
            flight.pending
                    .request
                    .listener()
                    .onToken(sampleIndex, token, delta, logprobs == null ? null : logprobs.get(logprobs.size() - 1));
            if (reason != null) {
                return reason;
            }
            if (generatedCount >= params.maxNewTokens()
                    || promptLength + generatedCount >= model.config().maxPositionEmbeddings()) {
                return FinishReason.LENGTH;
            }
            return null;
        }

        /**
         * Appends the text of the ids not yet appended, once it ends on a whole character ({@code force}: whatever
         * it is, at the end), and looks for a stop string in the part that can hold a new one.
         */
        private void appendNewText(boolean force) {
            int end = contextLength + generatedCount;
            if (readOffset >= end) {
                return;
            }
            String prefixText = decoder.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
            String windowText = decoder.decode(Arrays.copyOfRange(ids, prefixOffset, end));
            if (!force && (windowText.length() <= prefixText.length() || windowText.endsWith("\uFFFD"))) {
                return;
            }
            String added = windowText.startsWith(prefixText)
                    ? windowText.substring(prefixText.length())
                    : windowText.substring(Math.min(prefixText.length(), windowText.length()));
            int searchFrom = Math.max(0, text.length() - Math.max(0, longestStop - 1));
            text.append(added);
            prefixOffset = readOffset;
            readOffset = end;
            if (stopAt < 0) {
                stopAt = firstStop(searchFrom);
            }
        }

        private int firstStop(int from) {
            int first = -1;
            for (String stop : params.stopStrings()) {
                int at = text.indexOf(stop, from);
                if (at >= 0 && (first < 0 || at < first)) {
                    first = at;
                }
            }
            return first;
        }

        /** The end of the text that can be emitted: before any tail that could still become a stop string. */
        private int safeEnd() {
            int end = text.length();
            for (String stop : params.stopStrings()) {
                for (int keep = Math.min(stop.length() - 1, text.length()); keep > 0; keep--) {
                    if (text.indexOf(stop.substring(0, keep), text.length() - keep) == text.length() - keep) {
                        end = Math.min(end, text.length() - keep);
                        break;
                    }
                }
            }
            return end;
        }

        int[] generatedIds() {
            return Arrays.copyOfRange(ids, contextLength, contextLength + generatedCount);
        }

        void finish(FinishReason reason) {
            String finalText = null;
            String remainder = null;
            if (decoder != null) {
                appendNewText(true);
                finalText = stopAt >= 0 ? text.substring(0, stopAt) : text.toString();
                remainder = finalText.length() > emittedLength ? finalText.substring(emittedLength) : "";
                emittedLength = finalText.length();
            }
            flight.pending.request.listener().onFinish(sampleIndex, remainder, reason);
            flight.completions[sampleIndex] =
                    new Completion(sampleIndex, generatedIds(), finalText, reason, stopTokenId, logprobs);
            flight.unfinished--;
            if (flight.unfinished == 0) {
                flight.pending.future.complete(new GenerationResult(promptLength, Arrays.asList(flight.completions)));
            }
        }
    }

    private void loop() {
        try {
            Inference.disableGradientsOnThisThread();
        } catch (RuntimeException | Error e) {
            LOG.error("the generation thread cannot start", e);
            closed = true;
            Pending pending;
            while ((pending = queue.poll()) != null) {
                pending.future.completeExceptionally(e);
            }
            return;
        }
        List<Sequence> batch = new ArrayList<>();
        KvCache cache = null;
        while (!closed) {
            try {
                List<Pending> admitted = admit(batch.size());
                if (admitted.isEmpty() && batch.isEmpty()) {
                    continue;
                }
                try (NDScope scope = new NDScope()) {
                    if (!admitted.isEmpty()) {
                        cache = prefill(admitted, batch, cache);
                    }
                    if (!batch.isEmpty()) {
                        decodeStep(batch, cache);
                    }
                    scope.suppressNotUsedWarning();
                }
                running.set(batch.size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                LOG.error("generation step failed; failing the {} sequences in the batch", batch.size(), e);
                batch.forEach(sequence -> sequence.flight.pending.future.completeExceptionally(e));
                batch.clear();
                if (cache != null) {
                    cache.close();
                    cache = null;
                }
                running.set(0);
            }
        }
        if (cache != null) {
            cache.close();
        }
        batch.forEach(sequence -> sequence.flight.pending.future.completeExceptionally(
                new IllegalStateException("the generation scheduler was closed")));
    }

    /** Takes queued requests that fit in the batch; blocks briefly only when there is nothing to decode. */
    private List<Pending> admit(int active) throws InterruptedException {
        List<Pending> admitted = new ArrayList<>();
        int free = settings.maxBatchSize() - active;
        if (active == 0) {
            Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
            if (first == null || first.future.isCancelled()) {
                return admitted;
            }
            admitted.add(first);
            free -= first.request.params().n();
        }
        Pending next;
        while ((next = queue.peek()) != null && next.request.params().n() <= free) {
            queue.poll();
            if (next.future.isCancelled()) {
                continue;
            }
            admitted.add(next);
            free -= next.request.params().n();
        }
        return admitted;
    }

    /** Prefills the admitted prompts as one left-padded batch, samples their first tokens, and joins their caches. */
    private KvCache prefill(List<Pending> admitted, List<Sequence> batch, KvCache cache) {
        List<Sequence> joining = new ArrayList<>();
        List<int[]> prompts = new ArrayList<>();
        for (Pending pending : admitted) {
            Flight flight = new Flight(pending);
            Long seed = pending.request.params().seed();
            SplittableRandom root = new SplittableRandom(seed != null ? seed : SEEDS.nextLong());
            for (int sample = 0; sample < flight.completions.length; sample++) {
                // Independent, reproducible streams per sample, split from the request's seed.
                joining.add(new Sequence(flight, sample, root.split()));
                prompts.add(pending.request.promptIds());
            }
        }
        int rows = prompts.size();
        int width = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        long[] ids = new long[rows * width];
        int[] padding = new int[rows];
        for (int row = 0; row < rows; row++) {
            int[] prompt = prompts.get(row);
            padding[row] = width - prompt.length;
            for (int t = 0; t < prompt.length; t++) {
                ids[row * width + padding[row] + t] = prompt[t];
            }
        }
        NDManager manager = model.manager();
        KvCache joiningCache = new KvCache(manager, model.config(), rows);
        float[] logits;
        try {
            NDArray input = manager.create(ids, new Shape(rows, width));
            logits = model.forward(input, padding, joiningCache, true).toFloatArray();
        } catch (RuntimeException | Error e) {
            // Only the newcomers' cache was touched: the running batch goes on.
            LOG.error("prefill of {} new sequences failed", rows, e);
            joiningCache.close();
            joining.forEach(sequence -> sequence.flight.pending.future.completeExceptionally(e));
            return cache;
        }
        KvCache merged;
        if (cache == null) {
            merged = joiningCache;
        } else {
            try {
                cache.concatRows(joiningCache);
            } catch (RuntimeException | Error e) {
                // The running cache may be half rebuilt: the loop fails the running batch; fail the newcomers here.
                joiningCache.close();
                joining.forEach(sequence -> sequence.flight.pending.future.completeExceptionally(e));
                throw e;
            }
            merged = cache;
        }
        batch.addAll(joining);
        sampleAndRetire(batch, batch.size() - rows, logits, merged);
        return merged;
    }

    private void decodeStep(List<Sequence> batch, KvCache cache) {
        long[] last = new long[batch.size()];
        for (int row = 0; row < last.length; row++) {
            last[row] = batch.get(row).lastToken;
        }
        NDArray input = model.manager().create(last, new Shape(last.length, 1));
        float[] logits = model.forward(input, null, cache, true).toFloatArray();
        sampleAndRetire(batch, 0, logits, cache);
    }

    /** Samples a token for rows [firstRow, size) from their logits, then drops finished rows from batch and cache. */
    private void sampleAndRetire(List<Sequence> batch, int firstRow, float[] logits, KvCache cache) {
        int vocab = model.config().vocabSize();
        Set<Integer> finishedRows = new HashSet<>();
        for (int row = firstRow; row < batch.size(); row++) {
            Sequence sequence = batch.get(row);
            if (sequence.flight.pending.future.isDone()) {
                // Cancelled by the caller, or failed by another sample's listener: stop spending steps on it.
                finishedRows.add(row);
                continue;
            }
            int offset = (row - firstRow) * vocab;
            FinishReason reason;
            try {
                int token = sequence.sampler.next(
                        logits, offset, vocab, sequence.params.maxNewTokens() - sequence.generatedCount);
                reason = sequence.accept(token, logits, offset, vocab);
                if (reason != null) {
                    sequence.finish(reason);
                }
            } catch (RuntimeException sampleOrListenerFailure) {
                sequence.flight.pending.future.completeExceptionally(sampleOrListenerFailure);
                finishedRows.add(row);
                continue;
            }
            if (reason != null) {
                finishedRows.add(row);
            }
        }
        if (finishedRows.isEmpty()) {
            return;
        }
        List<Sequence> remaining = new ArrayList<>();
        List<Integer> keep = new ArrayList<>();
        for (int row = 0; row < batch.size(); row++) {
            if (!finishedRows.contains(row)) {
                remaining.add(batch.get(row));
                keep.add(row);
            }
        }
        cache.keepRows(keep.stream().mapToInt(Integer::intValue).toArray());
        batch.clear();
        batch.addAll(remaining);
    }

    /** Convenience for callers without concurrency: submits and waits. */
    public GenerationResult generate(GenerationRequest request) {
        return submit(request).join();
    }

    /**
     * Stops the decode thread and fails every request not yet finished. Waits for the thread to stop, since the model
     * may be closed right after: a listener that blocks is interrupted and must return.
     */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        boolean interrupted = false;
        while (worker.isAlive()) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Pending pending;
        while ((pending = queue.poll()) != null) {
            pending.future.completeExceptionally(new IllegalStateException("the generation scheduler was closed"));
        }
    }
}
