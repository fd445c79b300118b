package io.tunestream.llm.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tunestream.llm.model.Inference;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.model.RandomModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GenerationSchedulerTest {

    /** A stand-in tokenizer for stop strings: token id i is the letter 'a' + i % 26. */
    private static final TextDecoder LETTERS = ids -> {
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            text.append((char) ('a' + id % 26));
        }
        return text.toString();
    };

    private static LlamaModel model;
    private static GenerationScheduler scheduler;

    @BeforeAll
    static void start() {
        Inference.disableGradientsOnThisThread();
        model = RandomModels.model(RandomModels.qwenLikeGqa(), 11);
        scheduler = new GenerationScheduler(model, LETTERS, Set.of(), new SchedulerSettings(8, 64));
    }

    @AfterAll
    static void stop() {
        scheduler.close();
        model.close();
    }

    /** Greedy decoding by full recomputation, no cache, no batching: the reference. */
    private static int[] naiveGreedy(int[] prompt, int newTokens) {
        List<Integer> ids = new ArrayList<>();
        Arrays.stream(prompt).forEach(ids::add);
        int vocab = model.config().vocabSize();
        for (int step = 0; step < newTokens; step++) {
            try (NDManager scope = model.manager().newSubManager()) {
                long[] input = ids.stream().mapToLong(Integer::longValue).toArray();
                float[] logits = model.forward(scope.create(input, new Shape(1, input.length)), null, null, true)
                        .toFloatArray();
                ids.add(TokenSampler.argMax(Arrays.copyOf(logits, vocab)));
            }
        }
        return ids.subList(prompt.length, ids.size()).stream()
                .mapToInt(Integer::intValue)
                .toArray();
    }

    @Test
    void greedyGenerationEqualsFullRecomputation() {
        int[] prompt = {5, 17, 3, 60};
        GenerationResult result = scheduler.generate(new GenerationRequest(prompt, SamplingParams.greedy(12)));
        assertThat(result.first().tokenIds()).containsExactly(naiveGreedy(prompt, 12));
        assertThat(result.first().finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(result.promptTokens()).isEqualTo(4);
    }

    @Test
    void concurrentRequestsOfDifferentLengthsEachGetTheirOwnAnswer() {
        List<int[]> prompts = List.of(
                new int[] {1},
                new int[] {2, 3, 4, 5, 6, 7, 8},
                new int[] {9, 10, 11},
                new int[] {40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50},
                new int[] {70, 3},
                new int[] {12, 13, 14, 15});
        // Different lengths make sequences join and leave a running batch at different steps.
        List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            futures.add(scheduler.submit(new GenerationRequest(prompts.get(i), SamplingParams.greedy(4 + 3 * i))));
        }
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(futures.get(i).join().first().tokenIds())
                    .as("prompt %d", i)
                    .containsExactly(naiveGreedy(prompts.get(i), 4 + 3 * i));
        }
    }

    @Test
    void seededSamplingIsReproducibleWhateverSharesTheBatch() {
        int[] prompt = {7, 8, 9};
        SamplingParams params = SamplingParams.sampled(10, 1.0, 0.95, 1234).withN(3);
        GenerationResult alone = scheduler.generate(new GenerationRequest(prompt, params));
        List<CompletableFuture<GenerationResult>> noise = IntStream.range(0, 4)
                .mapToObj(i -> scheduler.submit(
                        new GenerationRequest(new int[] {i + 1, 30}, SamplingParams.sampled(6, 1.0, 1.0, i))))
                .toList();
        GenerationResult crowded = scheduler.generate(new GenerationRequest(prompt, params));
        noise.forEach(CompletableFuture::join);
        for (int sample = 0; sample < 3; sample++) {
            assertThat(crowded.completions().get(sample).tokenIds())
                    .containsExactly(alone.completions().get(sample).tokenIds());
        }
        assertThat(alone.completions()).hasSize(3);
        assertThat(alone.completions().stream()
                        .map(c -> Arrays.toString(c.tokenIds()))
                        .distinct()
                        .count())
                .as("independent samples differ")
                .isGreaterThan(1);
        GenerationResult otherSeed = scheduler.generate(new GenerationRequest(prompt, params.withSeed(99L)));
        assertThat(otherSeed.completions().stream()
                        .map(c -> Arrays.toString(c.tokenIds()))
                        .toList())
                .isNotEqualTo(alone.completions().stream()
                        .map(c -> Arrays.toString(c.tokenIds()))
                        .toList());
    }

    @Test
    void topKOfOneIsGreedy() {
        int[] prompt = {33, 2, 19};
        GenerationResult sampled = scheduler.generate(new GenerationRequest(
                prompt, SamplingParams.sampled(8, 1.5, 1.0, 5).withTopK(1)));
        assertThat(sampled.first().tokenIds()).containsExactly(naiveGreedy(prompt, 8));
    }

    @Test
    void stopTokenEndsTheSampleWithoutBeingPartOfIt() {
        int[] prompt = {5, 17, 3, 60};
        int[] greedy = naiveGreedy(prompt, 6);
        int stopToken = greedy[3];
        int firstOccurrence = Arrays.stream(greedy).boxed().toList().indexOf(stopToken);
        GenerationResult result = scheduler.generate(
                new GenerationRequest(prompt, SamplingParams.greedy(6).withStops(Set.of(stopToken), List.of())));
        assertThat(result.first().finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(result.first().tokenIds()).containsExactly(Arrays.copyOf(greedy, firstOccurrence));
    }

    @Test
    void stopStringCutsTheTextAndStreamingNeverShowsIt() {
        int[] prompt = {5, 17, 3, 60};
        int[] greedy = naiveGreedy(prompt, 8);
        String fullText = LETTERS.decode(greedy);
        String stop = fullText.substring(4, 6);
        int cut = fullText.indexOf(stop);
        List<String> deltas = new CopyOnWriteArrayList<>();
        GenerationResult result = scheduler.generate(new GenerationRequest(
                prompt,
                SamplingParams.greedy(8).withStops(Set.of(), List.of(stop)),
                (sample, token, delta) -> deltas.add(delta)));
        assertThat(result.first().finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(result.first().text()).isEqualTo(fullText.substring(0, cut));
        assertThat(String.join("", deltas)).isEqualTo(fullText.substring(0, cut));
    }

    @Test
    void decodingWorkPerTokenDoesNotGrowWithTheOutput() {
        AtomicLong decodedIds = new AtomicLong();
        TextDecoder counting = ids -> {
            decodedIds.addAndGet(ids.length);
            return LETTERS.decode(ids);
        };
        int[] prompt = {5, 17, 3, 60};
        int tokens = 200;
        try (GenerationScheduler counted =
                new GenerationScheduler(model, counting, Set.of(), new SchedulerSettings(1, 1))) {
            StringBuilder streamed = new StringBuilder();
            GenerationResult result = counted.generate(new GenerationRequest(
                    prompt,
                    SamplingParams.greedy(tokens).withStops(Set.of(), List.of("never-in-letters")),
                    new TokenListener() {
                        @Override
                        public void onToken(int sample, int token, String delta) {
                            streamed.append(delta);
                        }

                        @Override
                        public void onFinish(int sample, String remainder, FinishReason reason) {
                            streamed.append(remainder);
                        }
                    }));
            String text = LETTERS.decode(result.first().tokenIds());
            assertThat(result.first().text()).isEqualTo(text);
            assertThat(streamed.toString()).isEqualTo(text);
        }
        // A full decode per token would decode about tokens^2 / 2 = 20,000 ids; a window per token decodes a few.
        assertThat(decodedIds.get()).isLessThan(12L * tokens);
    }

    @Test
    void listenerSeesEveryTokenInOrder() {
        List<Integer> streamed = new CopyOnWriteArrayList<>();
        GenerationResult result = scheduler.generate(new GenerationRequest(
                new int[] {4, 4, 4}, SamplingParams.greedy(7), (sample, token, delta) -> streamed.add(token)));
        assertThat(streamed)
                .containsExactlyElementsOf(
                        Arrays.stream(result.first().tokenIds()).boxed().toList());
    }

    @Test
    void penaltiesChangeWhatIsGenerated() {
        int[] prompt = {4, 4, 4};
        int[] plain = scheduler
                .generate(new GenerationRequest(prompt, SamplingParams.greedy(16)))
                .first()
                .tokenIds();
        int[] penalised = scheduler
                .generate(
                        new GenerationRequest(prompt, SamplingParams.greedy(16).withPenalties(1.0, 2.0, 0)))
                .first()
                .tokenIds();
        long distinctPlain = Arrays.stream(plain).distinct().count();
        long distinctPenalised = Arrays.stream(penalised).distinct().count();
        assertThat(distinctPenalised).isGreaterThanOrEqualTo(distinctPlain);
        assertThat(penalised).isNotEqualTo(plain);
    }

    @Test
    void invalidRequestsAreRefusedAtSubmission() {
        assertThatThrownBy(() -> scheduler.submit(new GenerationRequest(new int[] {5000}, SamplingParams.greedy(2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the vocabulary");
        assertThatThrownBy(() -> SamplingParams.sampled(4, -1, 1, 1)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> SamplingParams.greedy(4).withN(0)).hasMessageContaining("n must be");
    }

    @Test
    void callersOnManyThreadsEachGetTheirOwnResult() throws Exception {
        int threads = 6;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<int[]>> answers = new ArrayList<>();
            for (int caller = 0; caller < threads * 3; caller++) {
                int[] prompt = {caller + 1, 2 * caller + 3, 50};
                answers.add(pool.submit(() -> scheduler
                        .generate(new GenerationRequest(prompt, SamplingParams.greedy(5)))
                        .first()
                        .tokenIds()));
            }
            for (int caller = 0; caller < threads * 3; caller++) {
                assertThat(answers.get(caller).get())
                        .as("caller %d", caller)
                        .containsExactly(naiveGreedy(new int[] {caller + 1, 2 * caller + 3, 50}, 5));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFullQueueRefusesNewRequestsUntilThereIsRoom() throws Exception {
        try (GenerationScheduler small = new GenerationScheduler(model, null, Set.of(), new SchedulerSettings(1, 1))) {
            java.util.concurrent.CountDownLatch firstTokenSeen = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            CompletableFuture<GenerationResult> running = small.submit(new GenerationRequest(
                    new int[] {1, 2}, SamplingParams.greedy(3), (sample, token, delta) -> {
                        firstTokenSeen.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
            firstTokenSeen.await();
            // The batch (size 1) is busy and its thread is held: one request fits in the queue, the next does not.
            CompletableFuture<GenerationResult> queued =
                    small.submit(new GenerationRequest(new int[] {3}, SamplingParams.greedy(2)));
            assertThat(small.queued()).isEqualTo(1);
            assertThat(small.remainingCapacity()).isZero();
            assertThatThrownBy(() -> small.submit(new GenerationRequest(new int[] {4}, SamplingParams.greedy(2))))
                    .isInstanceOf(QueueFullException.class)
                    .hasMessageContaining("queue is full");
            release.countDown();
            assertThat(running.join().first().tokenIds()).hasSize(3);
            assertThat(queued.join().first().tokenIds()).hasSize(2);
            assertThat(small.submit(new GenerationRequest(new int[] {4}, SamplingParams.greedy(2)))
                            .join()
                            .first()
                            .tokenIds())
                    .hasSize(2);
        }
    }

    /** Deltas and the final remainder, as a streaming client (SSE, the CLI) receives them. */
    private static final class Stream implements TokenListener {
        final StringBuilder text = new StringBuilder();
        final List<FinishReason> finishes = new CopyOnWriteArrayList<>();

        @Override
        public void onToken(int sampleIndex, int tokenId, String textDelta) {
            text.append(textDelta);
        }

        @Override
        public void onFinish(int sampleIndex, String textRemainder, FinishReason reason) {
            text.append(textRemainder);
            finishes.add(reason);
        }
    }

    @Test
    void textHeldBackForAPossibleStopStringIsReleasedWhenTheSampleEnds() {
        int[] prompt = {5, 17, 3, 60};
        int[] greedy = naiveGreedy(prompt, 6);
        String letters = LETTERS.decode(greedy);
        // The last letter could begin the stop string, so streaming holds it back; the sample then ends by length.
        Stream byLength = new Stream();
        GenerationResult lengthResult = scheduler.generate(new GenerationRequest(
                prompt, SamplingParams.greedy(6).withStops(Set.of(), List.of(letters.charAt(5) + "#")), byLength));
        assertThat(lengthResult.first().finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(lengthResult.first().text()).isEqualTo(letters);
        assertThat(byLength.text.toString()).isEqualTo(letters);
        assertThat(byLength.finishes).containsExactly(FinishReason.LENGTH);

        // The same, ended by a stop token: the held-back letter still reaches the stream, the stop token does not.
        int stopAt = 3;
        int firstOccurrence = Arrays.stream(greedy).boxed().toList().indexOf(greedy[stopAt]);
        String expected = letters.substring(0, firstOccurrence);
        Stream byToken = new Stream();
        SamplingParams params = SamplingParams.greedy(6)
                .withStops(
                        Set.of(greedy[stopAt]),
                        expected.isEmpty() ? List.of() : List.of(expected.charAt(expected.length() - 1) + "#"));
        GenerationResult tokenResult = scheduler.generate(new GenerationRequest(prompt, params, byToken));
        assertThat(tokenResult.first().finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(tokenResult.first().stopTokenId()).isEqualTo(greedy[stopAt]);
        assertThat(tokenResult.first().text()).isEqualTo(expected);
        assertThat(byToken.text.toString()).isEqualTo(expected);
    }

    @Test
    void aCancelledRequestLeavesTheBatchAtTheNextStep() {
        java.util.concurrent.atomic.AtomicReference<CompletableFuture<GenerationResult>> self =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger tokensAfterCancel = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch submitted = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<GenerationResult> cancelled = scheduler.submit(new GenerationRequest(
                new int[] {9, 9}, SamplingParams.greedy(200).withIgnoreEos(true), (sample, token, delta) -> {
                    try {
                        submitted.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (self.get().isCancelled()) {
                        tokensAfterCancel.incrementAndGet();
                    } else {
                        self.get().cancel(false);
                    }
                }));
        self.set(cancelled);
        submitted.countDown();
        // A later request completes only after the scheduler has taken further steps.
        scheduler.generate(new GenerationRequest(new int[] {1, 2, 3}, SamplingParams.greedy(5)));
        assertThat(cancelled).isCancelled();
        assertThat(tokensAfterCancel.get()).isZero();
    }
}
