package io.tunestream.generation.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.tunestream.events.ArtifactRef;
import io.tunestream.events.FinishReason;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.PromptEvent;
import io.tunestream.events.SamplingParameters;
import io.tunestream.generation.KafkaTestClient;
import io.tunestream.generation.ModelFixture;
import io.tunestream.generation.Prompts;
import io.tunestream.generation.service.ModelCatalog;
import io.tunestream.generation.service.PromptGenerationService;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Prompts in, generations out, over the real broker and object store, with a model trained from nothing. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
class PromptFlowTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String CONSUMER_GROUP = "generation-service";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "tunestream.generation.scheduler.max-batch-size")
    int maxBatchSize;

    @Inject
    ObjectStore store;

    @Inject
    ModelCatalog production;

    @Inject
    PromptGenerationService promptGeneration;

    private KafkaTestClient kafka;
    private ConsumerTask<String, byte[]> generations;

    @BeforeEach
    void connect() {
        kafka = new KafkaTestClient(bootstrapServers);
        generations = kafka.readFromStart(KafkaTestClient.GENERATIONS);
    }

    @AfterEach
    void disconnect() {
        generations.stop();
        kafka.close();
    }

    private int promoteAndAwaitLoaded() {
        return ModelFixture.promoteAndAwaitLoaded(kafka, store, production);
    }

    private List<GenerationEvent> awaitGenerations(List<PromptEvent> prompts) {
        Set<String> hashes = prompts.stream().map(PromptEvent::promptHash).collect(Collectors.toSet());
        await().atMost(TIMEOUT)
                .until(() -> KafkaTestClient.generationsFor(generations, hashes).size() >= prompts.size());
        return KafkaTestClient.generationsFor(generations, hashes);
    }

    @Test
    void shouldPublishOneGenerationPerPromptNamingTheVersionWithItsTokenCounts() {
        int version = promoteAndAwaitLoaded();
        List<PromptEvent> prompts = IntStream.range(0, 12)
                .mapToObj(i -> Prompts.prompt(version, "Instruct: add " + i + " and " + (i * 7) + "\nOutput:"))
                .toList();
        prompts.forEach(kafka::publish);

        List<GenerationEvent> answers = awaitGenerations(prompts);

        assertThat(answers).hasSize(prompts.size());
        assertThat(answers)
                .extracting(GenerationEvent::promptHash)
                .containsExactlyInAnyOrderElementsOf(
                        prompts.stream().map(PromptEvent::promptHash).toList());
        try (Tokenizer tokenizer = Tokenizer.load(ModelFixture.checkpoint())) {
            for (GenerationEvent answer : answers) {
                PromptEvent prompt = prompts.stream()
                        .filter(p -> p.promptHash().equals(answer.promptHash()))
                        .findFirst()
                        .orElseThrow();
                assertThat(answer.modelVersion()).isEqualTo(version);
                assertThat(answer.model()).isEqualTo(ModelFixture.MODEL);
                assertThat(answer.error()).isNull();
                assertThat(answer.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
                assertThat(answer.promptTokens()).isEqualTo(tokenizer.encode(prompt.prompt(), false).length);
                assertThat(answer.completionTokens())
                        .isBetween(answer.finishReason() == FinishReason.LENGTH ? 8 : 0, 8);
                assertThat(answer.sampling()).isEqualTo(prompt.sampling());
                assertThat(answer.sampleId()).isEqualTo(prompt.sampleId());
            }
        }
        ConsumerRecord<String, byte[]> record = generations.getRecords().stream()
                .filter(r -> r.key().equals(prompts.get(0).promptHash()))
                .findFirst()
                .orElseThrow();
        assertThat(new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
                .isEqualTo("io.tunestream.generations");
        assertThat(new String(record.headers().lastHeader("ce_source").value(), StandardCharsets.UTF_8))
                .isEqualTo("/tunestream/generation-service");
    }

    @Test
    void shouldAnswerGreedilyFirstThenWithEverySampleThePromptAsksFor() {
        int version = promoteAndAwaitLoaded();
        String text = "Instruct: add 3 and 4\nOutput:";
        SamplingParameters sampled = new SamplingParameters(1.0, 1.0, null, 8, 3, List.of(), null, null, 7L);
        PromptEvent several = Prompts.prompt(version, text, sampled, true);
        PromptEvent greedyAlone = Prompts.prompt(version, text, SamplingParameters.greedy(8));
        kafka.publish(several);
        kafka.publish(greedyAlone);

        List<GenerationEvent> answers = awaitGenerations(List.of(several, greedyAlone));

        GenerationEvent multi = answers.stream()
                .filter(a -> a.promptHash().equals(several.promptHash()))
                .findFirst()
                .orElseThrow();
        GenerationEvent single = answers.stream()
                .filter(a -> a.promptHash().equals(greedyAlone.promptHash()))
                .findFirst()
                .orElseThrow();
        assertThat(multi.error()).isNull();
        assertThat(multi.completions()).hasSize(4);
        assertThat(multi.text()).isEqualTo(multi.completions().get(0));
        assertThat(multi.completions().get(0)).isEqualTo(single.text());
        assertThat(single.completions()).containsExactly(single.text());
    }

    @Test
    void shouldRefuseAPromptAskingForMoreAnswersThanABatchHolds() {
        int version = promoteAndAwaitLoaded();
        SamplingParameters tooMany = new SamplingParameters(1.0, 1.0, null, 4, maxBatchSize, List.of(), null, null, 1L);
        PromptEvent prompt = Prompts.prompt(version, "Instruct: add 1 and 1\nOutput:", tooMany, true);
        kafka.publish(prompt);

        GenerationEvent answer = awaitGenerations(List.of(prompt)).get(0);

        assertThat(answer.finishReason()).isEqualTo(FinishReason.ERROR);
        assertThat(answer.error()).contains("asks for " + (maxBatchSize + 1) + " answers");
        assertThat(answer.completions()).isEmpty();
    }

    @Test
    void shouldDeadLetterAPoisonRecordAndAnswerThePromptsAroundIt() {
        int version = promoteAndAwaitLoaded();
        PromptEvent before = Prompts.prompt(version, "Instruct: before the poison\nOutput:");
        PromptEvent after = Prompts.prompt(version, "Instruct: after the poison\nOutput:");
        String poisonKey = "poison-" + before.promptHash().substring(0, 12);
        ConsumerTask<String, byte[]> deadLetters = kafka.readFromStart(KafkaTestClient.PROMPTS_DLQ);
        try {
            kafka.publish(before);
            kafka.publishRaw(
                    KafkaTestClient.PROMPTS, poisonKey, "{\"promptHash\": 42".getBytes(StandardCharsets.UTF_8));
            kafka.publish(after);

            assertThat(awaitGenerations(List.of(before, after)))
                    .allSatisfy(answer -> assertThat(answer.finishReason()).isNotEqualTo(FinishReason.ERROR));
            await().atMost(TIMEOUT)
                    .until(() -> deadLetters.getRecords().stream().anyMatch(r -> poisonKey.equals(r.key())));
            ConsumerRecord<String, byte[]> dead = deadLetters.getRecords().stream()
                    .filter(r -> poisonKey.equals(r.key()))
                    .findFirst()
                    .orElseThrow();
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{\"promptHash\": 42");
            assertThat(new String(
                            dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .contains("tunestream.prompts");
        } finally {
            deadLetters.stop();
        }
    }

    @Test
    void shouldHotSwapToAPromotedVersionAndRefusePromptsForTheVersionItReplaced() {
        int first = promoteAndAwaitLoaded();
        PromptEvent onFirst = Prompts.prompt(first, "Instruct: on the first version\nOutput:");
        kafka.publish(onFirst);
        assertThat(awaitGenerations(List.of(onFirst)).get(0).modelVersion()).isEqualTo(first);

        int second = promoteAndAwaitLoaded();
        PromptEvent onSecond = Prompts.prompt(second, "Instruct: on the second version\nOutput:");
        PromptEvent stale = Prompts.prompt(first, "Instruct: still asking the first version\nOutput:");
        kafka.publish(onSecond);
        kafka.publish(stale);

        GenerationEvent answer = awaitGenerations(List.of(onSecond)).get(0);
        assertThat(answer.modelVersion()).isEqualTo(second);
        assertThat(answer.finishReason()).isNotEqualTo(FinishReason.ERROR);
        GenerationEvent refused = awaitGenerations(List.of(stale)).get(0);
        assertThat(refused.finishReason()).isEqualTo(FinishReason.ERROR);
        assertThat(refused.modelVersion()).isEqualTo(first);
        assertThat(refused.error()).contains("no longer in production").contains("production is version " + second);
    }

    @Test
    void shouldRefuseAVersionWhoseFileFailsItsChecksumAndKeepServingTheCurrentOne() {
        int good = promoteAndAwaitLoaded();
        int corrupted = ModelFixture.nextVersion();
        ArtifactRef artifact = ModelFixture.withWrongChecksum(ModelFixture.upload(store, corrupted));
        kafka.publish(ModelFixture.promoted(corrupted, good, artifact));

        await().atMost(TIMEOUT)
                .until(() ->
                        production.loadFailure(ModelFixture.MODEL, corrupted).isPresent());
        assertThat(production.loadFailure(ModelFixture.MODEL, corrupted).orElseThrow())
                .contains("sha256")
                .contains(artifact.files().get(0).uri());
        assertThat(production.servingVersion(ModelFixture.MODEL)).isEqualTo(good);

        PromptEvent onGood = Prompts.prompt(good, "Instruct: the good version still answers\nOutput:");
        PromptEvent onCorrupted = Prompts.prompt(corrupted, "Instruct: the corrupted version cannot\nOutput:");
        kafka.publish(onGood);
        kafka.publish(onCorrupted);
        GenerationEvent answered = awaitGenerations(List.of(onGood)).get(0);
        assertThat(answered.modelVersion()).isEqualTo(good);
        assertThat(answered.finishReason()).isNotEqualTo(FinishReason.ERROR);
        GenerationEvent refused = awaitGenerations(List.of(onCorrupted)).get(0);
        assertThat(refused.finishReason()).isEqualTo(FinishReason.ERROR);
        assertThat(refused.error()).contains("could not be loaded").contains("sha256");
    }

    @Test
    void shouldHoldAPromptForAVersionNotYetPromotedUntilItIsLoaded() {
        int future = ModelFixture.nextVersion();
        PromptEvent early = Prompts.prompt(future, "Instruct: asked before the promotion\nOutput:");
        kafka.publish(early);
        // The consumer has taken the prompt (its generation is what it waits to publish) before the model exists.
        kafka.publish(ModelFixture.promoted(future, null, ModelFixture.upload(store, future)));

        GenerationEvent answer = awaitGenerations(List.of(early)).get(0);
        assertThat(answer.finishReason()).isNotEqualTo(FinishReason.ERROR);
        assertThat(answer.modelVersion()).isEqualTo(future);
    }

    @Test
    void shouldCommitAPromptsOffsetOnlyAfterItsGenerationWasPublished() {
        int future = ModelFixture.nextVersion();
        PromptEvent waiting = Prompts.prompt(future, "Instruct: wait for my version\nOutput:");
        RecordMetadata published = kafka.publish(waiting);
        TopicPartition partition = new TopicPartition(published.topic(), published.partition());
        // The service has taken the prompt and holds it, since its version is unknown: nothing past it is committed.
        await().atMost(TIMEOUT).until(() -> promptGeneration.waitingForModel() == 1);
        assertThat(kafka.committedOffset(CONSUMER_GROUP, partition)).isLessThanOrEqualTo(published.offset());

        kafka.publish(ModelFixture.promoted(future, null, ModelFixture.upload(store, future)));
        assertThat(awaitGenerations(List.of(waiting)).get(0).modelVersion()).isEqualTo(future);
        await().atMost(TIMEOUT).until(() -> kafka.committedOffset(CONSUMER_GROUP, partition) > published.offset());
    }
}
