package io.tunestream.generation.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.PromptEvent;
import io.tunestream.events.SamplingParameters;
import io.tunestream.generation.KafkaTestClient;
import io.tunestream.generation.ModelFixture;
import io.tunestream.generation.Prompts;
import io.tunestream.generation.service.ModelCatalog;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationResult;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.SchedulerSettings;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.prompt.ChatMessage;
import io.tunestream.llm.prompt.PromptTemplate;
import io.tunestream.llm.prompt.PromptTemplates;
import io.tunestream.llm.tasks.SyntheticTask;
import io.tunestream.llm.tasks.TaskFamily;
import io.tunestream.llm.tasks.TaskGenerator;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prompts -> generations throughput of the generation-service (Kafka in, scheduler, Kafka out, offsets committed)
 * against the raw batched engine and the one-prompt-at-a-time loop, on the same prompts, model and machine in one run.
 *
 * <p>Off by default. Run it with
 * {@code ./mvnw -B -o -pl generation-service verify -Dtest=PromptThroughputBenchmark -Dtunestream.bench.prompts=256}
 * and optionally {@code -Dtunestream.bench.max-tokens=32} (default 32). The model is the tests' scratch model
 * ({@link ModelFixture}); to measure another checkpoint, point {@code ModelFixture.checkpoint()} at it. Prompts are the
 * synthetic tasks rendered with the ChatML template; decoding is greedy, so all three paths generate the same
 * tokens. The raw scheduler is warmed up on a few prompts first. The batch size follows
 * {@code tunestream.generation.scheduler.max-batch-size}. Each figure is printed as one {@code BENCH key=value} line.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
@EnabledIfSystemProperty(named = "tunestream.bench.prompts", matches = "\\d+")
class PromptThroughputBenchmark {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    ObjectStore store;

    @Inject
    ModelCatalog production;

    @Test
    void measurePromptsToGenerationsAgainstTheRawEngine() throws Exception {
        int count = Integer.getInteger("tunestream.bench.prompts");
        int maxTokens = Integer.getInteger("tunestream.bench.max-tokens", 32);
        List<String> prompts = renderedTasks(count);
        int batch =
                ConfigProvider.getConfig().getValue("tunestream.generation.scheduler.max-batch-size", Integer.class);

        // Raw engine: a model and scheduler of its own, every prompt submitted at once (a queue that holds them all).
        Set<Integer> eos;
        int[][] ids;
        try (Tokenizer tokenizer = Tokenizer.load(ModelFixture.checkpoint())) {
            eos = Arrays.stream(tokenizer.eosTokenIds()).boxed().collect(Collectors.toSet());
            ids = prompts.stream().map(p -> tokenizer.encode(p, false)).toArray(int[][]::new);
            SamplingParams greedy = SamplingParams.greedy(maxTokens);
            try (LlamaModel model = LlamaModel.load(ModelFixture.checkpoint());
                    GenerationScheduler scheduler = new GenerationScheduler(
                            model, t -> tokenizer.decode(t, true), eos, new SchedulerSettings(batch, count))) {
                // Warm-up (JIT, allocator) so that the first measured path is not the only cold one.
                List<CompletableFuture<GenerationResult>> warmUp = new ArrayList<>();
                for (int i = 0; i < Math.min(count, 2 * batch); i++) {
                    warmUp.add(scheduler.submit(new GenerationRequest(ids[i], greedy)));
                }
                warmUp.forEach(CompletableFuture::join);

                long started = System.nanoTime();
                List<CompletableFuture<GenerationResult>> results = new ArrayList<>();
                for (int[] prompt : ids) {
                    results.add(scheduler.submit(new GenerationRequest(prompt, greedy)));
                }
                long tokens = results.stream()
                        .mapToLong(r -> r.join().completionTokens())
                        .sum();
                report("raw_batched", count, tokens, System.nanoTime() - started);

                int sequentialCount = Math.min(count, 32);
                started = System.nanoTime();
                long sequentialTokens = 0;
                for (int i = 0; i < sequentialCount; i++) {
                    sequentialTokens += scheduler
                            .generate(new GenerationRequest(ids[i], greedy))
                            .completionTokens();
                }
                report("raw_sequential", sequentialCount, sequentialTokens, System.nanoTime() - started);
            }
        }

        // The service: prompt events in, generation events out.
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
            int version = ModelFixture.promoteAndAwaitLoaded(kafka, store, production);
            List<PromptEvent> events = prompts.stream()
                    .map(p -> Prompts.prompt(version, p, SamplingParameters.greedy(maxTokens)))
                    .toList();
            Set<String> hashes =
                    events.stream().map(PromptEvent::promptHash).collect(Collectors.toCollection(HashSet::new));
            ConsumerTask<String, byte[]> generations = kafka.readFromStart(KafkaTestClient.GENERATIONS);
            try {
                long started = System.nanoTime();
                events.forEach(kafka::publishAsync);
                await().atMost(Duration.ofMinutes(30))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> KafkaTestClient.generationsFor(generations, hashes)
                                        .size()
                                >= count);
                long elapsed = System.nanoTime() - started;
                List<GenerationEvent> answers = KafkaTestClient.generationsFor(generations, hashes);
                assertThat(answers)
                        .allSatisfy(answer -> assertThat(answer.error()).isNull());
                report(
                        "service_kafka",
                        count,
                        answers.stream()
                                .mapToLong(GenerationEvent::completionTokens)
                                .sum(),
                        elapsed);
            } finally {
                generations.stop();
            }
        }
    }

    private static List<String> renderedTasks(int count) {
        PromptTemplate template = PromptTemplates.named(PromptTemplates.CHATML);
        TaskGenerator generator = new TaskGenerator(17);
        List<String> prompts = new ArrayList<>();
        TaskFamily[] families = TaskFamily.values();
        int perFamily = count / families.length + 1;
        for (TaskFamily family : families) {
            for (SyntheticTask task : generator.generate(family, perFamily, 2)) {
                prompts.add(template.render(List.of(ChatMessage.user(task.prompt())), true));
            }
        }
        return prompts.subList(0, count);
    }

    private static void report(String path, int prompts, long tokens, long nanos) {
        double seconds = nanos / 1e9;
        System.out.printf(
                "BENCH path=%s prompts=%d completion_tokens=%d seconds=%.3f prompts_per_s=%.2f tokens_per_s=%.1f%n",
                path, prompts, tokens, seconds, prompts / seconds, tokens / seconds);
    }
}
