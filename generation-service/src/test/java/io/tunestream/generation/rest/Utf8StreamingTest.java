package io.tunestream.generation.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tunestream.events.ModelVersionEvent;
import io.tunestream.generation.KafkaTestClient;
import io.tunestream.generation.ModelFixture;
import io.tunestream.generation.service.ModelCatalog;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A character split across tokens is streamed whole: a model made to answer "€" as its three UTF-8 bytes, one token
 * each, streams chunks that never hold U+FFFD (the bytes wait until the character is complete).
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
class Utf8StreamingTest {

    private static final String MODEL = "euro-model";
    private static final String PROMPT = "Price:";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    ObjectStore store;

    @Inject
    ModelCatalog catalog;

    @Test
    void shouldStreamAMultiByteCharacterSplitAcrossTokensOnlyOnceItIsComplete() {
        int[] promptIds;
        int[] euroBytes;
        try (Tokenizer tokenizer = Tokenizer.load(ModelFixture.otherCheckpoint())) {
            promptIds = tokenizer.encode(PROMPT, true);
            euroBytes = tokenizer.encode("€", false);
            // The premise: the byte-level vocabulary has no token for the whole character.
            assertThat(euroBytes).hasSize(3);
            assertThat(tokenizer.decode(new int[] {euroBytes[0]}, true)).isEqualTo("\uFFFD");
        }
        Path checkpoint = ModelFixture.cycleCheckpoint(
                MODEL, promptIds[promptIds.length - 1], euroBytes[0], euroBytes[1], euroBytes[2]);
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
            kafka.publish(ModelFixture.promoted(
                    MODEL, 1, ModelVersionEvent.PRODUCTION, null, ModelFixture.upload(store, MODEL, 1, checkpoint)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> catalog.knows(MODEL));
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl("http://localhost:" + RestAssured.port + "/v1")
                .apiKey("unused")
                .maxRetries(0)
                .build();
        CompletionCreateParams params = CompletionCreateParams.builder()
                .model(MODEL)
                .prompt(PROMPT)
                .temperature(0.0)
                .maxTokens(9)
                .build();

        Completion whole = client.completions().create(params);
        assertThat(whole.choices().get(0).text()).isEqualTo("€€€");
        assertThat(whole.usage().orElseThrow().completionTokens()).isEqualTo(9);

        List<String> chunks = new ArrayList<>();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> chunks.add(choice.text())));
        }
        assertThat(String.join("", chunks)).isEqualTo("€€€");
        assertThat(chunks).noneMatch(text -> text.contains("\uFFFD"));
        assertThat(chunks).contains("€");
    }
}
