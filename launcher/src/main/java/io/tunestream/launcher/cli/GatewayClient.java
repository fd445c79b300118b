package io.tunestream.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The platform's REST API as a user reaches it: the gateway's {@code /api/v1} and {@code /v1}, with an API key. Every
 * answer is returned with its status; {@link #ok} turns a non-2xx answer into an {@link ApiException} that carries the
 * RFC 9457 problem.
 */
public final class GatewayClient {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String key;

    /**
     * @param base the gateway, e.g. {@code http://127.0.0.1:8080}
     * @param key an API key ({@code ts_...})
     */
    public GatewayClient(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    public URI base() {
        return base;
    }

    /** An answer: its status and body as JSON (a JSON string node when the body is not JSON). */
    public record Answer(int status, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    public Answer get(String path) {
        return send(request(path).GET());
    }

    public Answer delete(String path) {
        return send(request(path).DELETE());
    }

    public Answer post(String path, Object body) {
        return send(request(path).header("content-type", "application/json").POST(json(body)));
    }

    public Answer put(String path, Object body) {
        return send(request(path).header("content-type", "application/json").PUT(json(body)));
    }

    /** Posts a file as the body (an upload), with its name in {@code X-File-Name}. */
    public Answer postFile(String path, String contentType, Path file) {
        try {
            return send(request(path)
                    .header("content-type", contentType)
                    .header("X-File-Name", file.getFileName().toString())
                    .POST(HttpRequest.BodyPublishers.ofFile(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Posts the regular files of {@code directory} as {@code multipart/form-data}, one part named "file" each. */
    public Answer postDirectory(String path, Path directory) {
        String boundary = "tunestream-" + UUID.randomUUID();
        List<byte[]> parts = new ArrayList<>();
        try (var files = Files.list(directory)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                parts.add(Files.readAllBytes(file));
                parts.add("\r\n".getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + directory, e);
        }
        parts.add(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(request(path)
                .header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(parts)));
    }

    /**
     * Reads a server-sent event stream (job progress, a streamed completion) and hands each {@code data:} payload to
     * {@code onData} as it arrives; returns the status (a non-2xx stream is read as its problem and thrown).
     */
    public int stream(String path, Object postBody, Consumer<String> onData) {
        HttpRequest.Builder builder = request(path);
        if (postBody != null) {
            // A completion streams because its body says "stream": true; it is produced as JSON or as events.
            builder.header("content-type", "application/json").POST(json(postBody));
        } else {
            builder.header("accept", "text/event-stream");
        }
        try {
            HttpResponse<java.io.InputStream> response =
                    http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                if (response.statusCode() / 100 != 2) {
                    StringBuilder body = new StringBuilder();
                    reader.lines().forEach(body::append);
                    throw new ApiException(new Answer(response.statusCode(), parse(body.toString())), "GET " + path);
                }
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        onData.accept(line.substring(5).trim());
                    }
                }
            }
            return response.statusCode();
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The body of a 2xx answer; anything else is thrown as an {@link ApiException}. */
    public static JsonNode ok(Answer answer, String what) {
        if (!answer.ok()) {
            throw new ApiException(answer, what);
        }
        return answer.body();
    }

    public static ObjectMapper mapper() {
        return JSON;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofMinutes(2))
                .header("authorization", "Bearer " + key);
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), parse(response.body()));
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private UnreachableException unreachable(IOException e) {
        return new UnreachableException("the gateway at " + base + " does not answer ("
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "); is the stack up? ./tunestream status");
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofString(
                    body instanceof String text ? text : JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return JSON.getNodeFactory().textNode(body);
        }
    }

    /** A non-2xx answer: its status and problem. */
    public static final class ApiException extends RuntimeException {
        private final transient Answer answer;

        public ApiException(Answer answer, String what) {
            super(what + ": " + answer.status() + " " + describe(answer.body()));
            this.answer = answer;
        }

        public Answer answer() {
            return answer;
        }

        private static String describe(JsonNode body) {
            if (body.has("detail")) {
                return body.path("title").asText("") + ": " + body.get("detail").asText();
            }
            if (body.has("error")) {
                return body.get("error").path("message").asText();
            }
            return body.toString();
        }
    }

    /** The gateway did not answer at all. */
    public static final class UnreachableException extends RuntimeException {
        public UnreachableException(String message) {
            super(message);
        }
    }
}
