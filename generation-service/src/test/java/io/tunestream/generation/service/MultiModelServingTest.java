package io.tunestream.generation.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.tunestream.events.GenerationEvent;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.events.PromptEvent;
import io.tunestream.events.SamplingParameters;
import io.tunestream.generation.KafkaTestClient;
import io.tunestream.generation.ModelFixture;
import io.tunestream.generation.Prompts;
import io.tunestream.llm.generation.GenerationRequest;
import io.tunestream.llm.generation.GenerationScheduler;
import io.tunestream.llm.generation.SamplingParams;
import io.tunestream.llm.generation.SchedulerSettings;
import io.tunestream.llm.model.LlamaModel;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Two registered models served by one service at once, each with its own weights: over HTTP (by name, {@code :vN} and
 * {@code @candidate}) and over the prompts topic, every greedy answer equals the engine's own run on that version's
 * checkpoint files.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
class MultiModelServingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int MAX_TOKENS = 12;
    private static final String COMPLETION_PROMPT = "Instruct: add 17 and 25\nOutput:";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    ObjectStore store;

    @Inject
    ModelCatalog catalog;

    /** Greedy text of the engine run directly on a checkpoint directory, the prompt encoded as the service does. */
    private static String engineGreedy(Path checkpoint, String prompt, boolean addSpecialTokens) {
        try (Tokenizer tokenizer = Tokenizer.load(checkpoint);
                LlamaModel model = LlamaModel.load(checkpoint)) {
            Set<Integer> eos = new LinkedHashSet<>(model.config().eosTokenIds());
            for (int id : tokenizer.eosTokenIds()) {
                eos.add(id);
            }
            try (GenerationScheduler scheduler = new GenerationScheduler(
                    model, ids -> tokenizer.decode(ids, true), eos, new SchedulerSettings(1, 1))) {
                return scheduler
                        .generate(new GenerationRequest(
                                tokenizer.encode(prompt, addSpecialTokens), SamplingParams.greedy(MAX_TOKENS)))
                        .first()
                        .text();
            }
        }
    }

    private static String completion(String model) {
        JsonPath answer = given().contentType(ContentType.JSON)
                .body(Map.of("model", model, "prompt", COMPLETION_PROMPT, "temperature", 0, "max_tokens", MAX_TOKENS))
                .when()
                .post("/v1/completions")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getString("model")).isEqualTo(model);
        return answer.getString("choices[0].text");
    }

    @Test
    void shouldServeTwoModelsAtOnceEachWithItsOwnWeightsOverHttpAndThePromptsTopic() {
        String alpha = "alpha-" + UUID.randomUUID().toString().substring(0, 8);
        String beta = "beta-" + UUID.randomUUID().toString().substring(0, 8);
        Path first = ModelFixture.checkpoint();
        Path second = ModelFixture.otherCheckpoint();
        String firstText = engineGreedy(first, COMPLETION_PROMPT, true);
        String secondText = engineGreedy(second, COMPLETION_PROMPT, true);
        assertThat(firstText)
                .as("the two checkpoints must answer differently, or this test could not tell them apart")
                .isNotEqualTo(secondText);

        try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
            kafka.publish(ModelFixture.promoted(
                    alpha, 1, ModelVersionEvent.PRODUCTION, null, ModelFixture.upload(store, alpha, 1, first)));
            kafka.publish(ModelFixture.promoted(
                    beta, 1, ModelVersionEvent.PRODUCTION, null, ModelFixture.upload(store, beta, 1, second)));
            kafka.publish(ModelFixture.promoted(
                    beta, 2, ModelVersionEvent.CANDIDATE, null, ModelFixture.upload(store, beta, 2, first)));
            await().atMost(TIMEOUT).until(() -> catalog.knows(alpha) && catalog.knows(beta));
            await().atMost(TIMEOUT)
                    .until(() -> catalog.known().stream()
                            .anyMatch(model -> model.name().equals(beta) && model.candidate() == 2));

            // Loaded on first use, each its own weights.
            assertThat(completion(alpha)).isEqualTo(firstText);
            assertThat(completion(beta)).isEqualTo(secondText);
            assertThat(completion(beta + ":v1")).isEqualTo(secondText);
            assertThat(completion(beta + "@candidate")).isEqualTo(firstText);
            assertThat(catalog.isLoaded(alpha, 1)).isTrue();
            assertThat(catalog.isLoaded(beta, 1)).isTrue();
            assertThat(catalog.servingVersion(beta)).isEqualTo(1);

            JsonPath models =
                    given().get("/v1/models").then().statusCode(200).extract().jsonPath();
            assertThat(models.getString("data.find { it.id == '" + beta + "' }.root"))
                    .isEqualTo(beta + ":v1");
            assertThat(models.getString("data.find { it.id == '" + beta + "' }.parent"))
                    .isNull();
            assertThat(models.getString("data.find { it.id == '" + beta + ":v2' }.parent"))
                    .isEqualTo(beta);
            assertThat(models.getString("data.find { it.id == '" + beta + "@candidate' }.root"))
                    .isEqualTo(beta + ":v2");
            given().get("/v1/models/" + alpha + ":v1").then().statusCode(200);
            given().contentType(ContentType.JSON)
                    .body(Map.of("model", beta + ":v9", "prompt", "hi"))
                    .when()
                    .post("/v1/completions")
                    .then()
                    .statusCode(404)
                    .body("error.code", org.hamcrest.Matchers.equalTo("model_not_found"));

            String chatPrompt = "Instruct: add 3 and 4\nOutput:";
            List<PromptEvent> prompts = List.of(
                    Prompts.prompt(alpha, 1, chatPrompt, SamplingParameters.greedy(MAX_TOKENS)),
                    Prompts.prompt(beta, 1, chatPrompt, SamplingParameters.greedy(MAX_TOKENS)));
            ConsumerTask<String, byte[]> generations = kafka.readFromStart(KafkaTestClient.GENERATIONS);
            try {
                prompts.forEach(kafka::publish);
                Set<String> hashes = new HashSet<>();
                prompts.forEach(prompt -> hashes.add(prompt.promptHash()));
                await().atMost(TIMEOUT)
                        .until(() -> KafkaTestClient.generationsFor(generations, hashes)
                                        .size()
                                >= 2);
                List<GenerationEvent> answers = KafkaTestClient.generationsFor(generations, hashes);
                GenerationEvent fromAlpha = answers.stream()
                        .filter(answer -> answer.model().equals(alpha))
                        .findFirst()
                        .orElseThrow();
                GenerationEvent fromBeta = answers.stream()
                        .filter(answer -> answer.model().equals(beta))
                        .findFirst()
                        .orElseThrow();
                assertThat(fromAlpha.error()).isNull();
                assertThat(fromBeta.error()).isNull();
                // Prompt events carry rendered text: encoded without the tokenizer's own special tokens.
                assertThat(fromAlpha.text()).isEqualTo(engineGreedy(first, chatPrompt, false));
                assertThat(fromBeta.text()).isEqualTo(engineGreedy(second, chatPrompt, false));
                assertThat(fromAlpha.text()).isNotEqualTo(fromBeta.text());
            } finally {
                generations.stop();
            }
        }
    }
}
