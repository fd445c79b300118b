package io.tunestream.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunestream.gateway.client.StreamingProxy.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;

/**
 * Counts the tokens an OpenAI completion generated, from the bytes already sent to the client, so counting never
 * delays a chunk. A JSON answer carries {@code usage.completion_tokens}. A stream carries one token per chunk with
 * content (the generation-service sends a chunk per decoded token and choice) unless a chunk carries {@code usage},
 * which then wins.
 */
final class GeneratedTokenMeter implements StreamObserver {

    /** A non-streamed answer larger than this is not parsed: its usage is then counted as zero. */
    private static final int MAX_JSON_ANSWER = 4 * 1024 * 1024;

    private final ObjectMapper json;
    private final LongConsumer onCounted;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean eventStream;
    private boolean tooLarge;
    private long chunksWithContent;
    private long reportedUsage = -1;

    GeneratedTokenMeter(ObjectMapper json, LongConsumer onCounted) {
        this.json = json;
        this.onCounted = onCounted;
    }

    @Override
    public void onStart(String contentType) {
        eventStream = contentType != null && contentType.toLowerCase().startsWith("text/event-stream");
    }

    @Override
    public void onBytes(byte[] buffer, int length) {
        if (!eventStream) {
            if (pending.size() + length > MAX_JSON_ANSWER) {
                tooLarge = true;
            } else {
                pending.write(buffer, 0, length);
            }
            return;
        }
        for (int i = 0; i < length; i++) {
            if (buffer[i] == '\n') {
                line(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            } else {
                pending.write(buffer[i]);
            }
        }
    }

    private void line(String line) {
        if (!line.startsWith("data:")) {
            return;
        }
        String data = line.substring("data:".length()).trim();
        if (data.isEmpty() || data.equals("[DONE]")) {
            return;
        }
        JsonNode chunk = parse(data);
        if (chunk == null) {
            return;
        }
        JsonNode completionTokens = chunk.path("usage").path("completion_tokens");
        if (completionTokens.canConvertToLong()) {
            reportedUsage = completionTokens.asLong();
        }
        for (JsonNode choice : chunk.path("choices")) {
            if (!choice.path("text").asText("").isEmpty()
                    || !choice.path("delta").path("content").asText("").isEmpty()) {
                chunksWithContent++;
            }
        }
    }

    @Override
    public void onEnd() {
        long tokens;
        if (eventStream) {
            tokens = reportedUsage >= 0 ? reportedUsage : chunksWithContent;
        } else {
            JsonNode answer = tooLarge ? null : parse(pending.toString(StandardCharsets.UTF_8));
            tokens = answer == null
                    ? 0
                    : answer.path("usage").path("completion_tokens").asLong(0);
        }
        onCounted.accept(tokens);
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (IOException notJson) {
            return null;
        }
    }
}
