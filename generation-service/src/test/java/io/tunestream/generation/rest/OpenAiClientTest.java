package io.tunestream.generation.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tunestream.generation.KafkaTestClient;
import io.tunestream.generation.ModelFixture;
import io.tunestream.generation.service.ModelCatalog;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java client against the service, unchanged, as an application uses it. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
class OpenAiClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    ObjectStore store;

    @Inject
    ModelCatalog catalog;

    private int version;
    private OpenAIClient client;

    @BeforeEach
    void promoteAModel() {
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
            version = ModelFixture.promoteAndAwaitLoaded(kafka, store, catalog);
        }
        client = OpenAIOkHttpClient.builder()
                .baseUrl("http://localhost:" + RestAssured.port + "/v1")
                .apiKey("unused")
                .maxRetries(0)
                .build();
    }

    private static ChatCompletionCreateParams.Builder chat(String model) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addSystemMessage("You add numbers.")
                .addUserMessage("17 + 25")
                .temperature(0.0)
                .maxCompletionTokens(16)
                .user("user-42");
    }

    @Test
    void shouldChatAndStreamTheSameGreedyAnswerEndingWithAUsageChunk() {
        ChatCompletion completion =
                client.chat().completions().create(chat(ModelFixture.MODEL).build());
        String answer = completion.choices().get(0).message().content().orElseThrow();
        long completionTokens = completion.usage().orElseThrow().completionTokens();
        assertThat(completion.systemFingerprint()).contains(ModelFixture.MODEL + ":v" + version);

        StringBuilder streamed = new StringBuilder();
        List<ChatCompletionChunk> usageChunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(chat(ModelFixture.MODEL)
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(streamed::append));
                if (chunk.usage().isPresent()) {
                    usageChunks.add(chunk);
                }
            });
        }
        assertThat(streamed.toString()).isEqualTo(answer);
        assertThat(usageChunks).hasSize(1);
        assertThat(usageChunks.get(0).choices()).isEmpty();
        assertThat(usageChunks.get(0).usage().orElseThrow().completionTokens()).isEqualTo(completionTokens);
    }

    @Test
    void shouldReportTheLogprobOfEveryTokenWithItsAlternatives() {
        ChatCompletion completion = client.chat()
                .completions()
                .create(chat(ModelFixture.MODEL).logprobs(true).topLogprobs(3L).build());
        List<ChatCompletionTokenLogprob> content =
                completion.choices().get(0).logprobs().orElseThrow().content().orElseThrow();
        assertThat(content).hasSize((int) completion.usage().orElseThrow().completionTokens());
        for (ChatCompletionTokenLogprob token : content) {
            assertThat(token.logprob()).isLessThanOrEqualTo(0.0);
            assertThat(token.topLogprobs()).hasSize(3);
            // Greedy: the chosen token is the most likely one.
            assertThat(token.topLogprobs().get(0).logprob()).isEqualTo(token.logprob());
            assertThat(token.topLogprobs().get(0).token()).isEqualTo(token.token());
            assertThat(token.topLogprobs().get(1).logprob())
                    .isLessThanOrEqualTo(token.topLogprobs().get(0).logprob());
        }

        Completion legacy = client.completions()
                .create(CompletionCreateParams.builder()
                        .model(ModelFixture.MODEL)
                        .prompt("Instruct: add 2 and 3\nOutput:")
                        .temperature(0.0)
                        .maxTokens(8)
                        .logprobs(2L)
                        .build());
        var logprobs = legacy.choices().get(0).logprobs().orElseThrow();
        assertThat(logprobs.tokenLogprobs().orElseThrow())
                .hasSize((int) legacy.usage().orElseThrow().completionTokens());
        assertThat(String.join("", logprobs.tokens().orElseThrow()))
                .isEqualTo(legacy.choices().get(0).text());
    }

    @Test
    void shouldAnswerJsonModeWithAnObjectThatParsesWhateverTheSampling() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            ChatCompletion completion = client.chat()
                    .completions()
                    .create(chat(ModelFixture.MODEL)
                            .temperature(1.0)
                            .seed(seed)
                            .maxCompletionTokens(24)
                            .responseFormat(ResponseFormatJsonObject.builder().build())
                            .build());
            String content = completion.choices().get(0).message().content().orElseThrow();
            JsonNode parsed = JSON.readTree(content);
            assertThat(parsed.isObject()).as(content).isTrue();
        }
    }

    @Test
    void shouldStreamTheLogprobOfEveryTokenWithTheChunkItsTextCameIn() {
        ChatCompletion whole = client.chat()
                .completions()
                .create(chat(ModelFixture.MODEL).logprobs(true).topLogprobs(2L).build());
        List<ChatCompletionTokenLogprob> expected =
                whole.choices().get(0).logprobs().orElseThrow().content().orElseThrow();

        List<ChatCompletionTokenLogprob> streamed = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(
                        chat(ModelFixture.MODEL).logprobs(true).topLogprobs(2L).build())) {
            stream.stream()
                    .forEach(chunk -> chunk.choices().forEach(choice -> {
                        choice.delta().content().ifPresent(text::append);
                        choice.logprobs()
                                .flatMap(logprobs -> logprobs.content())
                                .ifPresent(streamed::addAll);
                    }));
        }
        assertThat(text.toString())
                .isEqualTo(whole.choices().get(0).message().content().orElseThrow());
        assertThat(streamed).hasSize(expected.size());
        assertThat(streamed)
                .extracting(ChatCompletionTokenLogprob::token)
                .containsExactlyElementsOf(
                        expected.stream().map(ChatCompletionTokenLogprob::token).toList());
        for (int i = 0; i < streamed.size(); i++) {
            assertThat(streamed.get(i).logprob()).isCloseTo(expected.get(i).logprob(), within(1e-4));
            assertThat(streamed.get(i).topLogprobs()).hasSize(2);
        }
    }

    private static final String PERSON_SCHEMA = """
            {"type": "object",
             "properties": {
               "name": {"type": "string"},
               "age": {"type": "integer"},
               "member": {"type": "boolean"},
               "colour": {"enum": ["red", "green"]},
               "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2}
             },
             "required": ["name", "age", "member", "colour", "tags"],
             "additionalProperties": false}
            """;

    private static ResponseFormatJsonSchema schemaFormat(String schema) throws Exception {
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder builder =
                ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        JSON.readValue(schema, new TypeReference<Map<String, Object>>() {})
                .forEach((keyword, value) -> builder.putAdditionalProperty(keyword, JsonValue.from(value)));
        return ResponseFormatJsonSchema.builder()
                .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                        .name("person")
                        .schema(builder.build())
                        .strict(true)
                        .build())
                .build();
    }

    @Test
    void shouldAnswerAJsonSchemaWithAValueTheSchemaValidatesWhateverTheSampling() throws Exception {
        JsonSchema validator =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(JSON.readTree(PERSON_SCHEMA));
        for (long seed = 1; seed <= 3; seed++) {
            ChatCompletion completion = client.chat()
                    .completions()
                    .create(chat(ModelFixture.MODEL)
                            .temperature(1.0)
                            .seed(seed)
                            .maxCompletionTokens(96)
                            .responseFormat(schemaFormat(PERSON_SCHEMA))
                            .build());
            String content = completion.choices().get(0).message().content().orElseThrow();
            JsonNode parsed = JSON.readTree(content);
            assertThat(validator.validate(parsed)).as(content).isEmpty();
        }
    }

    @Test
    void shouldRefuseASchemaKeywordOutsideTheSubsetNamingIt() {
        String withPattern = PERSON_SCHEMA.replace(
                "\"name\": {\"type\": \"string\"}", "\"name\": {\"type\": \"string\", \"pattern\": \"^A\"}");
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(chat(ModelFixture.MODEL)
                                .maxCompletionTokens(96)
                                .responseFormat(schemaFormat(withPattern))
                                .build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).contains("response_format.json_schema.schema.properties.name.pattern");
                    assertThat(e.code()).contains("unsupported_parameter");
                });
    }

    @Test
    void shouldSelectAModelVersionByItsIdAndListIt() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).contains(ModelFixture.MODEL, ModelFixture.MODEL + ":v" + version);
        ChatCompletion completion = client.chat()
                .completions()
                .create(chat(ModelFixture.MODEL + ":v" + version).build());
        assertThat(completion.model()).isEqualTo(ModelFixture.MODEL + ":v" + version);
        assertThat(completion.systemFingerprint()).contains(ModelFixture.MODEL + ":v" + version);
    }

    @Test
    void shouldRefuseAParameterItDoesNotImplementNamingIt() {
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(chat(ModelFixture.MODEL).parallelToolCalls(true).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).contains("parallel_tool_calls");
                    assertThat(e.code()).contains("unsupported_parameter");
                });
    }
}
