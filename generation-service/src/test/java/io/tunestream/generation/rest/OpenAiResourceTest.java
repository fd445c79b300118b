package io.tunestream.generation.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.tunestream.generation.KafkaTestClient;
import io.tunestream.generation.ModelFixture;
import io.tunestream.generation.service.ModelCatalog;
import io.tunestream.llm.tokenizer.Tokenizer;
import io.tunestream.platform.storage.ObjectStore;
import io.tunestream.testing.KafkaBrokerResource;
import io.tunestream.testing.ObjectStoreResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible API on the production model, over real HTTP. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = ObjectStoreResource.class, scope = TestResourceScope.GLOBAL)
class OpenAiResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    ObjectStore store;

    @Inject
    ModelCatalog production;

    private KafkaTestClient kafka;
    private int version;

    @BeforeEach
    void promoteAModel() {
        kafka = new KafkaTestClient(bootstrapServers);
        version = ModelFixture.promoteAndAwaitLoaded(kafka, store, production);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    private static String chatBody(boolean stream) {
        return """
                {"model": "tiny-llama", "stream": %s, "temperature": 0, "max_tokens": 12, "seed": 7,
                 "messages": [{"role": "system", "content": "You add numbers."}, {"role": "user", "content": "17 + 25"}]}
                """.formatted(stream);
    }

    @Test
    void shouldStreamAChatCompletionChunkByChunkEndingWithDone() throws Exception {
        String body = given().contentType(ContentType.JSON)
                .body(chatBody(true))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .contentType(startsWith("text/event-stream"))
                .extract()
                .asString();

        List<String> events =
                Arrays.stream(body.split("\n\n")).filter(e -> !e.isBlank()).toList();
        assertThat(events).allSatisfy(event -> assertThat(event).startsWith("data: "));
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String event : events.subList(0, events.size() - 1)) {
            chunks.add(JSON.readTree(event.substring("data: ".length())));
        }
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("id").asText())
                    .isEqualTo(chunks.get(0).get("id").asText());
            assertThat(chunk.get("system_fingerprint").asText()).isEqualTo("tiny-llama:v" + version);
        });
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        List<String> contents = chunks.stream()
                .map(chunk -> chunk.at("/choices/0/delta/content"))
                .filter(content -> !content.isMissingNode() && !content.asText().isEmpty())
                .map(JsonNode::asText)
                .toList();
        assertThat(contents)
                .as("text arrives in several chunks, one per decoded token")
                .hasSizeGreaterThan(1);
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.at("/choices/0/finish_reason").asText()).isIn("stop", "length");

        String whole = given().contentType(ContentType.JSON)
                .body(chatBody(false))
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("choices[0].message.role", equalTo("assistant"))
                .extract()
                .path("choices[0].message.content");
        assertThat(String.join("", contents))
                .as("greedy: the stream's text is the whole answer")
                .isEqualTo(whole);
    }

    @Test
    void shouldAnswerACompletionWithNSamplesAndUsage() {
        String prompt = "Instruct: sort the digits 3 1 2\nOutput:";
        int promptTokens;
        try (Tokenizer tokenizer = Tokenizer.load(ModelFixture.checkpoint())) {
            promptTokens = tokenizer.encode(prompt, true).length;
        }
        given().contentType(ContentType.JSON)
                .body("""
                        {"model": "tiny-llama", "prompt": %s, "n": 3, "temperature": 0.9, "top_p": 0.9, "top_k": 40,
                         "max_tokens": 6, "stop": ["\\n\\n"], "frequency_penalty": 0.5, "seed": 11}
                        """.formatted(JSON.valueToTree(prompt).toString()))
                .when()
                .post("/v1/completions")
                .then()
                .statusCode(200)
                .body("object", equalTo("text_completion"))
                .body("model", equalTo("tiny-llama"))
                .body("system_fingerprint", equalTo("tiny-llama:v" + version))
                .body("choices", hasSize(3))
                .body("choices.index", org.hamcrest.Matchers.contains(0, 1, 2))
                .body("usage.prompt_tokens", equalTo(promptTokens))
                .body("usage.completion_tokens", org.hamcrest.Matchers.lessThanOrEqualTo(18));
    }

    @Test
    void shouldListTheServedModelWithItsLoadedVersionAndEachVersionUnderIt() {
        given().when()
                .get("/v1/models")
                .then()
                .statusCode(200)
                .body("object", equalTo("list"))
                .body("data.find { it.id == 'tiny-llama' }.object", equalTo("model"))
                .body("data.find { it.id == 'tiny-llama' }.version", equalTo(version))
                .body("data.find { it.id == 'tiny-llama' }.root", equalTo("tiny-llama:v" + version))
                .body("data.find { it.id == 'tiny-llama' }.loaded", equalTo(true))
                .body("data.find { it.id == 'tiny-llama:v" + version + "' }.parent", equalTo("tiny-llama"));
        given().when()
                .get("/v1/models/tiny-llama:v" + version)
                .then()
                .statusCode(200)
                .body("version", equalTo(version));
    }

    @Test
    void shouldAnswer404InOpenAisErrorShapeForAnUnknownModel() {
        given().contentType(ContentType.JSON)
                .body(
                        "{\"model\": \"gpt-17\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stream\": true}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(404)
                .contentType(ContentType.JSON)
                .body("error.message", org.hamcrest.Matchers.containsString("gpt-17"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("model"))
                .body("error.code", equalTo("model_not_found"));
        given().when().get("/v1/models/gpt-17").then().statusCode(404).body("error.code", equalTo("model_not_found"));
    }

    @Test
    void shouldAnswer400InOpenAisErrorShapeForABadParameterOrBody() {
        given().contentType(ContentType.JSON)
                .body("{\"model\": \"tiny-llama\", \"prompt\": \"2 + 2\", \"temperature\": 5}")
                .when()
                .post("/v1/completions")
                .then()
                .statusCode(400)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("temperature"))
                .body("error.message", org.hamcrest.Matchers.containsString("temperature"));
        given().contentType(ContentType.JSON)
                .body("{\"model\": \"tiny-llama\", \"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}")
                .when()
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("messages[0].role"));
        given().contentType(ContentType.JSON)
                .body("{\"model\": \"tiny-llama\", \"prompt\": \"2 + 2\", \"suffix\": \"!\"}")
                .when()
                .post("/v1/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("suffix"))
                .body("error.code", equalTo("unsupported_parameter"));
        given().contentType(ContentType.JSON)
                .body("{\"model\": \"tiny-llama\", \"prompt\": \"2 + 2\", \"logprobs\": 3, \"stream\": true}")
                .when()
                .post("/v1/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("logprobs"));
        given().contentType(ContentType.JSON)
                .body("{\"model\": \"tiny-llama\", \"prompt\": ")
                .when()
                .post("/v1/completions")
                .then()
                .statusCode(400)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void shouldDeliverTheFirstChunkWhileTheGenerationIsStillRunning() throws Exception {
        String body = """
                {"model": "tiny-llama", "stream": true, "temperature": 0, "max_tokens": 200, "prompt": "Instruct: count\\nOutput:"}
                """;
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + RestAssured.port + "/v1/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<Stream<String>> response =
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
        List<Long> arrivalMillis = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        long start = System.nanoTime();
        response.body().filter(line -> !line.isEmpty()).forEach(line -> {
            arrivalMillis.add((System.nanoTime() - start) / 1_000_000);
            lines.add(line);
        });

        assertThat(lines.get(lines.size() - 1)).isEqualTo("data: [DONE]");
        assertThat(lines.size())
                .as("one chunk per token, then the finish chunk and [DONE]")
                .isGreaterThan(50);
        // A buffered response arrives in one piece once every token is generated; a stream arrives as they are decoded.
        long spread = arrivalMillis.get(arrivalMillis.size() - 1) - arrivalMillis.get(0);
        assertThat(spread)
                .as("milliseconds between the first and the last chunk, arrivals %s", arrivalMillis)
                .isGreaterThan(20);
    }
}
