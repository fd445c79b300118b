package io.tunestream.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tunestream.infra.Ports;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Real HTTP servers standing in for the four services behind the gateway, so that the gateway's own unit of work
 * (keys, scopes, relaying, streaming, errors, limits) is tested over real HTTP without the services' infrastructure
 * (Kafka, object storage, a model). They are not the services, which have their own tests; they answer in the
 * services' formats:
 *
 * <ul>
 * <li>{@code /q/health/ready}: 200, or 503 for the service named by the init argument {@code unready}; the service
 * named by {@code unreachable} gets the address of a closed port;</li>
 * <li>any path with a segment {@code missing}: 404 {@code application/problem+json}, as the services answer;</li>
 * <li>any path with a segment {@code legacy-error}: 409 {@code application/json} {@code {"message": ...}}, the older
 * error shape;</li>
 * <li>{@code POST /datasets}: 201 with an absolute {@code Location} on the service;</li>
 * <li>{@code GET .../files/...}: {@link #FILE_BYTES} deterministic bytes, streamed, with {@code X-Checksum-SHA256};</li>
 * <li>{@code GET /jobs/{id}/progress}: three server-sent events, {@link #CHUNK_INTERVAL_MILLIS} apart;</li>
 * <li>generation {@code /v1/models}, {@code /v1/completions}, {@code /v1/chat/completions}: OpenAI bodies; with
 * {@code "stream": true} one chunk per token ({@link #TOKENS}), {@link #CHUNK_INTERVAL_MILLIS} apart (the first
 * {@link #HOLD_MILLIS} before the rest when the request mentions {@link #HOLD}), then {@code [DONE]};</li>
 * <li>anything else: 200 with a JSON echo of what arrived (method, path, query, content type, body length and
 * sha256, and the {@code Authorization} and internal-token headers).</li>
 * </ul>
 */
public class ServiceStandIns implements QuarkusTestResourceLifecycleManager {

    public static final List<String> SERVICES = List.of("dataset", "generation", "training", "registry");
    public static final int FILE_BYTES = 3 * 1024 * 1024 + 17;
    public static final List<String> TOKENS = List.of("Hello", ",", " world", "!");
    public static final long CHUNK_INTERVAL_MILLIS = 20;
    public static final String MODEL = "stand-in-model";
    /** A prompt containing this word makes a stream pause {@link #HOLD_MILLIS} after its first chunk. */
    public static final String HOLD = "hold";

    public static final long HOLD_MILLIS = 400;

    /** Every request a stand-in received, as {@code service METHOD path}, to prove what never reached a service. */
    public static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

    private static final Map<String, HttpServer> RUNNING = new ConcurrentHashMap<>();
    private static final Map<String, String> URLS = new ConcurrentHashMap<>();

    private ExecutorService executor;
    private String unready = "";
    private String unreachable = "";

    @Override
    public void init(Map<String, String> initArgs) {
        unready = initArgs.getOrDefault("unready", "");
        unreachable = initArgs.getOrDefault("unreachable", "");
    }

    @Override
    public Map<String, String> start() {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs (about 40 ms a call),
        // which would make the direct baseline of the latency benchmark slower than the gateway.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        executor = Executors.newCachedThreadPool();
        Map<String, String> config = new HashMap<>();
        for (String service : SERVICES) {
            String url;
            if (service.equals(unreachable)) {
                url = "http://127.0.0.1:" + Ports.freePort();
            } else {
                HttpServer server = server(service, service.equals(unready) ? 503 : 200);
                RUNNING.put(service, server);
                url = "http://127.0.0.1:" + server.getAddress().getPort();
            }
            URLS.put(service, url);
            config.put("tunestream.gateway.services." + service, url);
        }
        return config;
    }

    /** The stand-in's base URL, to call it directly (the benchmark's baseline). */
    public static String url(String service) {
        return URLS.get(service);
    }

    /** Stops a stand-in as if its service had been killed: its port then refuses connections. */
    public static void kill(String service) {
        HttpServer server = RUNNING.remove(service);
        if (server != null) {
            server.stop(0);
        }
    }

    private HttpServer server(String service, int readiness) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(executor);
            server.createContext(
                    "/q/health/ready",
                    exchange -> send(
                            exchange,
                            readiness,
                            "application/json",
                            "{\"status\":\"" + (readiness == 200 ? "UP" : "DOWN") + "\",\"checks\":[]}"));
            server.createContext("/", exchange -> {
                try {
                    handle(service, exchange);
                } catch (IOException | RuntimeException e) {
                    exchange.close();
                    throw e;
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void handle(String service, HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        RECEIVED.add(service + " " + method + " " + path);
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (path.contains("/missing")) {
            send(
                    exchange,
                    404,
                    "application/problem+json",
                    "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
                            + "\"detail\":\"no such thing at " + path + "\",\"instance\":\"" + path
                            + "\",\"serviceField\":\"kept\"}");
        } else if (path.contains("/legacy-error")) {
            send(
                    exchange,
                    409,
                    "application/json",
                    "{\"status\":409,\"error\":\"Conflict\",\"message\":\"legacy conflict at " + path + "\"}");
        } else if (service.equals("dataset") && method.equals("POST") && path.equals("/datasets")) {
            exchange.getResponseHeaders()
                    .add(
                            "Location",
                            "http://127.0.0.1:" + exchange.getLocalAddress().getPort() + "/datasets/created");
            send(exchange, 201, "application/json", echo(service, exchange, body));
        } else if (method.equals("GET") && path.contains("/files/")) {
            sendFile(exchange);
        } else if (service.equals("training") && path.endsWith("/progress")) {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (String state : List.of("QUEUED", "RUNNING", "SUCCEEDED")) {
                    out.write(("data:{\"state\":\"" + state + "\"}\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    pause(CHUNK_INTERVAL_MILLIS);
                }
            }
        } else if (service.equals("generation") && path.startsWith("/v1/")) {
            openAi(exchange, path, new String(body, StandardCharsets.UTF_8));
        } else {
            send(exchange, 200, "application/json", echo(service, exchange, body));
        }
    }

    private static void openAi(HttpExchange exchange, String path, String body) throws IOException {
        if (path.equals("/v1/models/" + MODEL)) {
            send(
                    exchange,
                    200,
                    "application/json",
                    "{\"id\":\"" + MODEL
                            + "\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"tunestream\"}");
            return;
        }
        if (path.equals("/v1/models")) {
            send(
                    exchange,
                    200,
                    "application/json",
                    "{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL
                            + "\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"tunestream\"}]}");
            return;
        }
        boolean chat = path.equals("/v1/chat/completions");
        if (!chat && !path.equals("/v1/completions")) {
            send(
                    exchange,
                    404,
                    "application/json",
                    "{\"error\":{\"message\":\"no route " + path
                            + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
            return;
        }
        String id = chat ? "chatcmpl-standin" : "cmpl-standin";
        if (!body.replace(" ", "").contains("\"stream\":true")) {
            String text = String.join("", TOKENS);
            String choice = chat
                    ? "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text
                            + "\"},\"finish_reason\":\"stop\"}"
                    : "{\"index\":0,\"text\":\"" + text + "\",\"logprobs\":null,\"finish_reason\":\"stop\"}";
            send(
                    exchange,
                    200,
                    "application/json",
                    "{\"id\":\"" + id + "\",\"object\":\"" + (chat ? "chat.completion" : "text_completion")
                            + "\",\"created\":1700000000,\"model\":\"" + MODEL + "\",\"choices\":[" + choice + "],"
                            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":" + TOKENS.size()
                            + ",\"total_tokens\":" + (3 + TOKENS.size()) + "}}");
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            boolean hold = body.contains(HOLD);
            for (int i = 0; i < TOKENS.size(); i++) {
                if (i > 0) {
                    pause(hold && i == 1 ? HOLD_MILLIS : CHUNK_INTERVAL_MILLIS);
                }
                String token = TOKENS.get(i);
                String choice = chat
                        ? "{\"index\":0,\"delta\":{\"content\":\"" + token + "\"},\"finish_reason\":null}"
                        : "{\"index\":0,\"text\":\"" + token + "\",\"logprobs\":null,\"finish_reason\":null}";
                out.write(("data: {\"id\":\"" + id + "\",\"object\":\""
                                + (chat ? "chat.completion.chunk" : "text_completion")
                                + "\",\"created\":1700000000,\"model\":\"" + MODEL + "\",\"choices\":[" + choice
                                + "]}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The byte at {@code index} of every stand-in file. */
    public static byte fileByte(long index) {
        return (byte) (index * 31 + 7);
    }

    public static String fileSha256() {
        MessageDigest digest = sha256();
        for (long i = 0; i < FILE_BYTES; i++) {
            digest.update(fileByte(i));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void sendFile(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.getResponseHeaders().add("X-Checksum-SHA256", fileSha256());
        exchange.sendResponseHeaders(200, FILE_BYTES);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = exchange.getResponseBody()) {
            long written = 0;
            while (written < FILE_BYTES) {
                int length = (int) Math.min(block.length, FILE_BYTES - written);
                for (int i = 0; i < length; i++) {
                    block[i] = fileByte(written + i);
                }
                out.write(block, 0, length);
                written += length;
            }
        }
    }

    private static String echo(String service, HttpExchange exchange, byte[] body) {
        String query = exchange.getRequestURI().getRawQuery();
        return "{\"service\":\"" + service + "\",\"method\":\"" + exchange.getRequestMethod() + "\",\"path\":\""
                + exchange.getRequestURI().getRawPath() + "\",\"query\":" + quoted(query)
                + ",\"contentType\":" + quoted(exchange.getRequestHeaders().getFirst("Content-Type"))
                + ",\"fileName\":" + quoted(exchange.getRequestHeaders().getFirst("X-File-Name"))
                + ",\"authorization\":" + quoted(exchange.getRequestHeaders().getFirst("Authorization"))
                + ",\"internalToken\":" + quoted(exchange.getRequestHeaders().getFirst("X-Tunestream-Internal-Token"))
                + ",\"bodyBytes\":" + body.length + ",\"bodySha256\":\""
                + HexFormat.of().formatHex(sha256().digest(body)) + "\"}";
    }

    private static String quoted(String value) {
        return value == null ? "null" : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void stop() {
        RUNNING.values().forEach(server -> server.stop(0));
        RUNNING.clear();
        URLS.clear();
        executor.shutdownNow();
    }
}
