package io.tunestream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tunestream.testing.PostgresResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java client, pointed at the gateway with a key, as an application would use it. */
@QuarkusTest
@WithTestResource(ServiceStandIns.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AdminKeyResource.class)
class OpenAiClientTest {

    private static final String CHAT_TEXT = String.join("", ServiceStandIns.TOKENS);

    private String key;

    @BeforeEach
    void createKey() {
        key = TestKeys.create(Map.of("name", "openai-app", "scopes", List.of("inference"), "requestsPerSecond", 1000));
    }

    private OpenAIClient client(String apiKey) {
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://localhost:" + RestAssured.port + "/v1")
                .apiKey(apiKey)
                .maxRetries(0)
                .build();
    }

    @Test
    void shouldListTheServedModel() {
        List<Model> models = client(key).models().list().data();
        assertThat(models).extracting(Model::id).containsExactly(ServiceStandIns.MODEL);
    }

    @Test
    void shouldCompleteAChat() {
        ChatCompletion completion = client(key)
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(ServiceStandIns.MODEL)
                        .addUserMessage("hi")
                        .build());
        assertThat(completion.choices().get(0).message().content()).contains(CHAT_TEXT);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(ServiceStandIns.TOKENS.size());
    }

    @Test
    void shouldStreamAChatChunkByChunk() {
        List<String> deltas = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client(key)
                .chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model(ServiceStandIns.MODEL)
                        .addUserMessage(ServiceStandIns.HOLD)
                        .build())) {
            stream.stream()
                    .forEach(chunk -> chunk.choices()
                            .forEach(choice -> choice.delta().content().ifPresent(text -> {
                                deltas.add(text);
                                arrivals.add(System.nanoTime());
                            })));
        }
        assertThat(deltas).containsExactlyElementsOf(ServiceStandIns.TOKENS);
        // The stand-in holds the rest of the stream 400 ms after the first chunk: a first chunk that reached the client
        // well before the others was not buffered on the way.
        long spreadMillis = (arrivals.get(arrivals.size() - 1) - arrivals.get(0)) / 1_000_000;
        assertThat(spreadMillis).isGreaterThanOrEqualTo(ServiceStandIns.HOLD_MILLIS / 2);
    }

    @Test
    void shouldCompleteTextStreamedAndNot() {
        CompletionCreateParams params = CompletionCreateParams.builder()
                .model(ServiceStandIns.MODEL)
                .prompt("2+2=")
                .build();
        Completion completion = client(key).completions().create(params);
        assertThat(completion.choices().get(0).text()).isEqualTo(CHAT_TEXT);
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<Completion> stream = client(key).completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> streamed.append(choice.text())));
        }
        assertThat(streamed.toString()).isEqualTo(CHAT_TEXT);
    }

    @Test
    void shouldRefuseAnUnknownKeyAndAKeyWithoutTheInferenceScope() {
        assertThatThrownBy(() -> client("ts_" + "0".repeat(43)).models().list())
                .isInstanceOf(UnauthorizedException.class);
        String readKey = TestKeys.create("reader", "read");
        assertThatThrownBy(() -> client(readKey).models().list())
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("inference");
    }
}
