package io.tunestream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunestream.infra.PostgresAdmin;
import io.tunestream.llm.bootstrap.ScratchModel;
import io.tunestream.llm.bootstrap.ScratchModelSpec;
import io.tunestream.llm.tasks.CorpusSpec;
import io.tunestream.llm.tasks.SyntheticCorpus;
import io.tunestream.llm.tasks.TaskFamily;
import io.tunestream.platform.security.InternalToken;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway in front of the real services, as the launcher runs them: a key made with the launcher's admin key
 * creates a dataset, uploads samples and reads them back through {@code /api/v1}; a model imported through the gateway
 * answers OpenAI chat calls through {@code /v1}, streamed and not; a service port called without the internal token
 * answers 401; and a registry-service killed while the gateway runs makes its routes answer 503 naming it, at once,
 * while the other routes keep working and the gateway's readiness names it.
 */
class GatewayStackIT {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    /** The model name the generation-service serves by default. */
    private static final String MODEL = "tiny-llama";

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path home;

    @TempDir
    Path work;

    private final PostgresAdmin postgres = PostgresAdmin.local();
    private StackSettings settings;
    private Stack stack;
    private StackClient client;

    @AfterEach
    void stopAndDropDatabases() {
        if (settings != null) {
            TestStacks.tearDown(stack, postgres, settings);
        }
    }

    @Test
    void theGatewayFrontsTheRealServicesWhichRefuseCallsWithoutTheInternalToken() throws Exception {
        Path corpus = work.resolve("corpus");
        SyntheticCorpus.write(corpus, new CorpusSpec(23, 4, 0, 1, EnumSet.allOf(TaskFamily.class)));
        Path models = work.resolve("models");
        Path base = models.resolve(MODEL);
        ScratchModel.create(
                base, corpus.resolve(SyntheticCorpus.SFT_FILE), new ScratchModelSpec(23, 300, 32, 1, 2, 1, 64, 256));
        settings = TestStacks.freeSettings("ts_gateway")
                .withEnvironment(
                        "registry-service",
                        Map.of("TUNESTREAM_REGISTRY_IMPORTING_ALLOWED_DIRECTORIES", models.toString()));
        StackLayout layout = new StackLayout(REPOSITORY, home);
        client = new StackClient(settings, layout);
        stack = new Stack(layout, postgres, settings);
        assertThat(stack.up(new PrintStream(new ByteArrayOutputStream()))).isTrue();

        // A key made with the admin key the launcher generated.
        String admin =
                "ts_" + Credentials.loadOrCreate(layout.credentialsFile()).secret("gateway.admin-key");
        HttpResponse<String> created = gateway(
                admin,
                "POST",
                "/api/v1/keys",
                "{\"name\": \"stack-test\", \"scopes\": [\"read\", \"write\", \"inference\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String key = StackClient.json(created.body()).get("key").asText();
        assertThat(key).startsWith("ts_");

        // A dataset created, filled and read back through the gateway.
        String dataset = "gw-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> datasetCreated =
                gateway(key, "POST", "/api/v1/datasets", "{\"name\": \"" + dataset + "\", \"kind\": \"sft\"}");
        assertThat(datasetCreated.statusCode()).as(datasetCreated.body()).isEqualTo(201);
        assertThat(datasetCreated.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).contains("/api/v1/datasets/" + dataset));
        HttpResponse<String> upload = HTTP.send(
                request(key, "/api/v1/datasets/" + dataset + "/uploads")
                        .header("Content-Type", "application/x-ndjson")
                        .header("X-File-Name", "sft.jsonl")
                        .POST(HttpRequest.BodyPublishers.ofFile(corpus.resolve(SyntheticCorpus.SFT_FILE)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        int added = StackClient.json(upload.body()).get("added").asInt();
        assertThat(added).isPositive();
        HttpResponse<String> samples =
                gateway(key, "GET", "/api/v1/datasets/" + dataset + "/samples?page=0&size=5", null);
        assertThat(samples.statusCode()).as(samples.body()).isEqualTo(200);
        JsonNode page = StackClient.json(samples.body());
        assertThat(page.get("total").asInt()).isEqualTo(added);
        assertThat(page.get("items")).hasSize(Math.min(5, added));
        assertThat(gateway(key, "GET", "/api/v1/datasets/" + dataset + "/samples?pgae=0", null)
                        .statusCode())
                .as("a query parameter the route does not take")
                .isEqualTo(400);

        // The same dataset straight from its service: refused without the internal token (or with another), open to
        // the gateway's token; the probes stay open.
        URI direct = client.uri("dataset-service", "/datasets/" + dataset);
        HttpResponse<String> noToken =
                HTTP.send(HttpRequest.newBuilder(direct).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).as(noToken.body()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(StackClient.json(noToken.body()).get("detail").asText()).contains(InternalToken.HEADER);
        HttpResponse<String> wrongToken = HTTP.send(
                HttpRequest.newBuilder(direct)
                        .header(InternalToken.HEADER, client.internalToken() + "0")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrongToken.statusCode()).isEqualTo(401);
        HttpResponse<String> noTokenMutation = HTTP.send(
                HttpRequest.newBuilder(client.uri("registry-service", "/models/" + MODEL + "/policy"))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"mode\": \"manual\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noTokenMutation.statusCode()).isEqualTo(401);
        assertThat(client.get("dataset-service", "/datasets/" + dataset).statusCode())
                .isEqualTo(200);
        for (String service :
                List.of("dataset-service", "generation-service", "training-service", "registry-service")) {
            HttpResponse<String> ready = HTTP.send(
                    HttpRequest.newBuilder(client.uri(service, "/q/health/ready"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as(service + " " + ready.body()).isEqualTo(200);
        }

        // A model imported through the gateway is version 1 in production; the generation-service loads it.
        HttpResponse<String> imported =
                gateway(key, "POST", "/api/v1/models/" + MODEL + "/import", "{\"directory\": \"" + base + "\"}");
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        String chat = "{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"2+3=\"}],"
                + " \"max_tokens\": 8, \"temperature\": 0, \"stream\": %s}";
        AtomicReference<HttpResponse<String>> answered = new AtomicReference<>();
        client.awaitWithLogs(
                "the generation-service answering through the gateway",
                WAIT,
                () -> {
                    answered.set(gateway(key, "POST", "/v1/chat/completions", chat.formatted("false")));
                    // Until the registry's model-versions event reaches it, the generation-service does not know the
                    // model (404 model_not_found), then loads it (503 model_not_ready).
                    int status = answered.get().statusCode();
                    return status != 503
                            && !(status == 404 && answered.get().body().contains("model_not_found"));
                },
                "generation-service",
                "registry-service",
                "gateway");
        assertThat(answered.get().statusCode()).as(answered.get().body()).isEqualTo(200);
        JsonNode completion = StackClient.json(answered.get().body());
        assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.get("model").asText()).startsWith(MODEL);
        assertThat(completion.get("choices").get(0).get("message").get("role").asText())
                .isEqualTo("assistant");
        assertThat(completion.get("usage").get("completion_tokens").asInt()).isBetween(1, 8);

        HttpResponse<InputStream> streamed = HTTP.send(
                request(key, "/v1/chat/completions")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(chat.formatted("true")))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<String> events = dataLines(streamed.body());
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(events.size()).as(events.toString()).isGreaterThanOrEqualTo(3);
        for (String event : events.subList(0, events.size() - 1)) {
            assertThat(StackClient.json(event).get("object").asText()).isEqualTo("chat.completion.chunk");
        }
        assertThat(gateway(key, "GET", "/api/v1/models/" + MODEL, null).statusCode())
                .isEqualTo(200);

        // The registry-service killed while the gateway runs.
        Component registry = stack.components().stream()
                .filter(c -> c.name().equals("registry-service"))
                .findFirst()
                .orElseThrow();
        ProcessHandle killed = stack.running(registry).orElseThrow();
        killed.destroyForcibly();
        killed.onExit().get();

        long start = System.nanoTime();
        HttpResponse<String> down = gateway(key, "GET", "/api/v1/models/" + MODEL, null);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
        assertThat(down.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = StackClient.json(down.body());
        assertThat(problem.get("service").asText()).isEqualTo("registry-service");
        assertThat(problem.get("detail").asText()).contains("registry-service is unavailable");
        // The gateway's client timeout is 10 s; a refused connection is answered well within it.
        assertThat(took).as("503 after %s", took).isLessThan(Duration.ofSeconds(10));
        HttpResponse<String> downMutation =
                gateway(key, "POST", "/api/v1/models/" + MODEL + "/import", "{\"directory\": \"" + base + "\"}");
        assertThat(downMutation.statusCode()).as(downMutation.body()).isEqualTo(503);
        assertThat(StackClient.json(downMutation.body()).get("service").asText())
                .isEqualTo("registry-service");

        assertThat(gateway(key, "GET", "/api/v1/datasets/" + dataset, null).statusCode())
                .isEqualTo(200);
        assertThat(gateway(key, "GET", "/api/v1/jobs", null).statusCode()).isEqualTo(200);
        assertThat(gateway(key, "POST", "/v1/chat/completions", chat.formatted("false"))
                        .statusCode())
                .as("the generation-service serves the model it loaded")
                .isEqualTo(200);

        HttpResponse<String> readiness = HTTP.send(
                HttpRequest.newBuilder(client.uri("gateway", "/q/health/ready"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).isEqualTo(503);
        JsonNode services = servicesCheck(StackClient.json(readiness.body()));
        assertThat(services.get("status").asText()).isEqualTo("DOWN");
        assertThat(services.get("data").get("registry").asText()).doesNotStartWith("HTTP 200");
        for (String up : List.of("dataset", "generation", "training")) {
            assertThat(services.get("data").get(up).asText()).as(up).startsWith("HTTP 200");
        }
    }

    /** The gateway's check of the services in its readiness answer. */
    private static JsonNode servicesCheck(JsonNode readiness) {
        for (JsonNode check : readiness.get("checks")) {
            if (check.get("name").asText().equals("Tunestream services")) {
                return check;
            }
        }
        throw new AssertionError("no check names the services: " + readiness);
    }

    private HttpRequest.Builder request(String key, String path) {
        return HttpRequest.newBuilder(client.uri("gateway", path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key);
    }

    private HttpResponse<String> gateway(String key, String method, String path, String json) {
        HttpRequest.Builder builder = request(key, path);
        if (json == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        }
    }

    /** The {@code data:} payloads of a server-sent event stream, read to its end. */
    private static List<String> dataLines(InputStream body) throws IOException {
        List<String> data = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    data.add(line.substring("data:".length()).strip());
                }
            }
        }
        return data;
    }
}
